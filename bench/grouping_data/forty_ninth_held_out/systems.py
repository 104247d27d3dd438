"""Held-out systems, forty-ninth set: written by a helper that did not read or run the miner,
asked on 2026-12-07 (session of 12:14 UTC); measured once on 12-07 13:23 (0.855 mean),
before anything was tuned on it (see ../README.md for what was after).

Plain data for ../generate.py: each system's families (event id, weight, layout) and the
values its fields take. See ../README.md.
"""

# ruff: noqa: E501

SYSTEMS = {
    # ioBroker (js-controller 5/6) on a building-automation host: the message after
    # "2024-11-02 07:14:03.512  - info: ", so it starts with the log source, either the host
    # ("host.iob-haus ...") or an adapter instance with its pid ("hm-rpc.0 (2211) ...").
    # Checked against ioBroker/ioBroker.js-controller (the instance exit handler): "terminated
    # with code", "terminated due to", "terminated abnormally", "terminated for restart.",
    # "terminated by request of the instance itself ...", "scheduled normal terminated ...",
    # "Restart adapter ... because enabled", "Do not restart adapter ... because desired by
    # instance / because disabled or deleted / because restart loop detected", "Adapter ...
    # needs rebuild and will be restarted afterwards.", "All instances are stopped.".
    # Reconstructed from memory (not checked): "started with pid", "instance scheduled",
    # "stopInstance ...", the controller start-up lines, and all adapter-side texts
    # (javascript, admin, hm-rpc, mqtt, shelly, modbus); the user-script texts
    # are invented, as a site's scripts would be.
    "iobroker": {
        "lines": 2000,
        "families": (
            (
                "instance_started_pid",
                95,
                "host.{host} instance {inst} started with pid {pid}",
            ),
            (
                "instance_scheduled",
                30,
                "host.{host} instance scheduled {sched_inst} {cron}",
            ),
            (
                "instance_terminated_code",
                110,
                "host.{host} instance {inst} terminated with code {exit_code}",
            ),
            (
                "instance_terminated_signal",
                12,
                "host.{host} instance {inst} terminated due to {=SIGKILL|SIGTERM|SIGSEGV|SIGABRT}",
            ),
            (
                "instance_terminated_abnormally",
                5,
                "host.{host} instance {inst} terminated abnormally",
            ),
            (
                "instance_terminated_for_restart",
                20,
                "host.{host} instance {inst} terminated for restart.",
            ),
            (
                "instance_terminated_by_request",
                8,
                "host.{host} instance {inst} terminated by request of the instance itself and will not be restarted, before user restarts it.",
            ),
            (
                "instance_scheduled_terminated",
                28,
                "host.{host} instance {sched_inst} scheduled normal terminated and will be restarted on schedule.",
            ),
            (
                "restart_because_enabled",
                60,
                "host.{host} Restart adapter {inst} because enabled",
            ),
            (
                "no_restart_desired",
                10,
                "host.{host} Do not restart adapter {inst} because desired by instance",
            ),
            (
                "no_restart_disabled",
                9,
                "host.{host} Do not restart adapter {inst} because disabled or deleted",
            ),
            (
                "no_restart_loop",
                4,
                "host.{host} Do not restart adapter {inst} because restart loop detected",
            ),
            (
                "adapter_needs_rebuild",
                4,
                "host.{host} Adapter {inst} needs rebuild {=|of serialport |of @serialport/bindings-cpp |of canvas }and will be restarted afterwards.",
            ),
            (
                "stop_instance",
                25,
                "host.{host} stopInstance {inst} (force={=false|false|true}, process={=true|true|false})",
            ),
            (
                "stop_instance_kill",
                8,
                "host.{host} stopInstance {inst} send kill signal",
            ),
            (
                "all_instances_stopped",
                3,
                "host.{host} All instances are stopped.",
            ),
            (
                "controller_starting",
                3,
                "host.{host} iobroker.js-controller version {jsc_version} js-controller starting",
            ),
            (
                "js_script_start",
                30,
                "javascript.0 ({pid}) Start JavaScript {script} (Javascript/js)",
            ),
            (
                "js_script_registered",
                30,
                "javascript.0 ({pid}) {script}: registered {n_subs}, {n_scheds}, 0 messages, 0 logs and 0 file subscriptions",
            ),
            (
                "js_user_valve",
                150,
                "javascript.0 ({pid}) script.js.Heizung.Ventile: Ventil {room} auf {pct0} % gesetzt (Ist {temp} °C, Soll {setpoint} °C)",
            ),
            (
                "js_user_window_open",
                70,
                "javascript.0 ({pid}) script.js.Heizung.Fensterkontakt: Fenster {room} offen seit {mins} min - Heizung abgesenkt",
            ),
            (
                "js_user_pv_surplus",
                90,
                "javascript.0 ({pid}) script.js.Energie.PV_Ueberschuss: Überschuss {watts} W, Wallbox {=aus|6 A|10 A|16 A}",
            ),
            (
                "admin_connected",
                40,
                "admin.0 ({pid}) ==> Connected system.user.{iob_user} from ::ffff:{lan_ip}",
            ),
            (
                "admin_disconnected",
                38,
                "admin.0 ({pid}) <== Disconnect system.user.{iob_user} from ::ffff:{lan_ip}",
            ),
            (
                "hmrpc_init",
                25,
                "{hmrpc_call}",
            ),
            (
                "mqtt_client_connected",
                90,
                "mqtt.0 ({pid}) Client [{mqtt_client}] connected with secret {big}_{count}",
            ),
            (
                "mqtt_client_closed",
                70,
                "mqtt.0 ({pid}) Client [{mqtt_client}] connection closed: {=closed|timeout|error}",
            ),
            (
                "shelly_device_connected",
                65,
                'shelly.0 ({pid}) [MQTT] Device with client id "{shelly_id}" connected!',
            ),
            (
                "shelly_device_offline",
                30,
                "shelly.0 ({pid}) [MQTT] Device {shelly_ip} ({shelly_type_id} / {shelly_name}) is offline",
            ),
            (
                "modbus_read_error",
                45,
                'modbus.{=0|1} ({pid}) Poll error count: {small} code: {{"err":"{modbus_err}","timeout":{=1000|2000|5000}}}',
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "host": ("iob-haus", "iob-haus", "iobroker-slave1"),
            "inst": (
                "system.adapter.hm-rpc.0",
                "system.adapter.hm-rpc.1",
                "system.adapter.hm-rega.0",
                "system.adapter.javascript.0",
                "system.adapter.shelly.0",
                "system.adapter.mqtt.0",
                "system.adapter.modbus.0",
                "system.adapter.modbus.1",
                "system.adapter.influxdb.0",
                "system.adapter.zigbee.0",
                "system.adapter.knx.0",
                "system.adapter.admin.0",
                "system.adapter.backitup.0",
                "system.adapter.tr-064.0",
                "system.adapter.alexa2.0",
                "system.adapter.sourceanalytix.0",
            ),
            "sched_inst": (
                "system.adapter.daswetter.0",
                "system.adapter.dwd.0",
                "system.adapter.ical.0",
                "system.adapter.info.0",
                "system.adapter.fahrplan.0",
            ),
            "cron": ("*/10 * * * *", "*/30 * * * *", "7 * * * *", "0 */2 * * *", "*/5 * * * *"),
            "exit_code": (
                "0 (NO_ERROR)",
                "0 (NO_ERROR)",
                "0 (NO_ERROR)",
                "6 (UNCAUGHT_EXCEPTION)",
                "6 (UNCAUGHT_EXCEPTION)",
                "11 (ADAPTER_REQUESTED_TERMINATION)",
                "156 (START_IMMEDIATELY_AFTER_STOP)",
                "1 (JS_CONTROLLER_STOPPED)",
                "25 (CANNOT_FIND_ADAPTER_DIR)",
                "7 (INVALID_ADAPTER_CONFIG)",
                "null ()",
            ),
            "jsc_version": ("5.0.19", "6.0.11", "7.0.6"),
            "node_version": ("v18.19.0", "v20.11.1", "v20.18.0"),
            "script": (
                "script.js.Heizung.Ventile",
                "script.js.Heizung.Fensterkontakt",
                "script.js.Energie.PV_Ueberschuss",
                "script.js.Licht.Treppenhaus",
                "script.js.common.Rollladen_Automatik",
                "script.js.Alarm.Wassermelder",
            ),
            "room": (
                "Wohnzimmer",
                "Kueche",
                "Bad_OG",
                "Schlafzimmer",
                "Buero",
                "Kinderzimmer",
                "Flur_EG",
                "Besprechung_2",
            ),
            "n_subs": ("1 subscription", "{=2|3|4|6|9|14} subscriptions", "0 subscriptions"),
            "n_scheds": ("1 schedule", "{=2|3|5} schedules", "0 schedules"),
            "pct0": ("0", "10", "25", "33", "40", "55", "70", "85", "100"),
            "temp": ("{=17|18|19|20|21|22|23}.{d}",),
            "setpoint": ("16.0", "18.5", "20.0", "21.0", "21.5", "22.0"),
            "mins": ("{nz}", "{nz}{d}"),
            "watts": ("{nz}{d}", "{nz}{d}{d}", "{=1|2|3|4|5}{d}{d}{d}"),
            "iob_user": ("admin", "admin", "technik", "hausmeister"),
            "lan_ip": ("192.168.178.{nz}{d}", "192.168.178.1{d}{d}", "10.0.20.{nz}{d}"),
            "ccu_ip": ("192.168.178.40", "192.168.178.41"),
            "host_ip": ("192.168.178.20", "192.168.178.21"),
            "mqtt_client": (
                "DVES_{hex2}{hex4}",
                "tasmota_{hex2}{hex4}",
                "zigbee2mqtt_{hex4}",
                "mqttjs_{hex8}",
                "esp-heizkreis-{nz}",
                "openWB-{nz}",
            ),
            "shelly_type": (
                "shellyplus1pm",
                "shellyplus2pm",
                "shellyht",
                "shellypro3em",
                "shellyplusplugs",
            ),
            "shelly_id": ("{shelly_type}-{hex12}",),
            "shelly_type_id": (
                "shellyplus1pm / shellyplus1pm-{hex12}",
                "shellyplus2pm / shellyplus2pm-{hex12}",
                "shellyht / shellyht-{hex12}",
                "shellypro3em / shellypro3em-{hex12}",
                "shellyplusplugs / shellyplusplugs-{hex12}",
            ),
            "hmrpc_call": (
                'hm-rpc.0 ({pid}) xmlrpc -> {ccu_ip}:2001/ init ["http://{host_ip}:2001","hm-rpc.0"]',
                'hm-rpc.1 ({pid}) xmlrpc -> {ccu_ip}:2010/ init ["http://{host_ip}:2010","hm-rpc.1"]',
                'hm-rpc.2 ({pid}) xmlrpc -> {ccu_ip}:9292/groups init ["http://{host_ip}:9292","hm-rpc.2"]',
            ),
            "shelly_ip": ("192.168.178.{=60|61|62|63|64|65|66|70|71|72}",),
            "shelly_name": (
                "Rollo Wohnzimmer",
                "Licht Kueche",
                "Zaehler Hausanschluss",
                "Pumpe Garten",
                "null",
            ),
            "modbus_err": (
                "Timed out",
                "Port Not Open",
                "Modbus exception 2: Illegal data address",
                "CRC error",
            ),
        },
    },
    # Eclipse 4diac FORTE (IEC 61499 runtime) on an edge controller that reads and writes a
    # remote OPC UA server: the message after FORTE's devlog prefix ("INFO: T#1733561034123: ").
    # Checked against eclipse-4diac/4diac-forte source: main ("FORTE is up and running",
    # "FORTE finished"), ForteBootFileLoader.cpp (all boot-file lines), DEV_MGR.cpp
    # ("Bootfile correctly loaded"), opcua_client_information.cpp and opcua_remote_handler.cpp
    # (all "[OPC UA CLIENT]" / "[OPC UA REMOTE]" lines). Reconstructed from memory: none of
    # the texts; the endpoints, FB instance names and the UA status names are invented or
    # taken from the open62541 status-code names.
    "forte_4diac": {
        "lines": 2000,
        "families": (
            (
                "forte_up",
                6,
                "FORTE is up and running",
            ),
            (
                "forte_finished",
                5,
                "FORTE finished",
            ),
            (
                "bootfile_location_cmake",
                4,
                "Using provided bootfile location set in CMake: {=forte.fboot|/opt/forte/forte.fboot}",
            ),
            (
                "bootfile_location_env",
                2,
                "Using provided bootfile location from environment variable: {=/var/lib/forte/line2.fboot|/data/forte.fboot}",
            ),
            (
                "bootfile_location_cmdline",
                2,
                "Using provided bootfile location set in the command line: {=/home/forte/cell7.fboot|./forte.fboot}",
            ),
            (
                "bootfile_opened",
                6,
                "Boot file {bootfile} opened",
            ),
            (
                "bootfile_loaded",
                5,
                "Bootfile correctly loaded",
            ),
            (
                "bootfile_closing",
                5,
                "Closing bootfile",
            ),
            (
                "bootfile_not_opened",
                2,
                "Boot file {bootfile} could not be opened. Skipping...",
            ),
            (
                "bootfile_command_failed",
                3,
                'Boot file command could not be executed. Line: {=12|37|58|104}: <Request ID="{=12|37|58|104}" Action="CREATE"><FB Name="{fb}" Type="{fb_type}" /></Request>',
            ),
            (
                "ua_client_connected",
                110,
                "[OPC UA CLIENT]: Client connected to endpoint {endpoint}",
            ),
            (
                "ua_connect_failed",
                320,
                "[OPC UA CLIENT]: Couldn't connect to endpoint {endpoint}. Forte will try to reconnect in {=5000|5000|10000} milliseconds",
            ),
            (
                "ua_uninitializing_client",
                130,
                "[OPC UA CLIENT]: Uninitializing client {endpoint}",
            ),
            (
                "ua_remote_problem",
                120,
                "[OPC UA REMOTE]: There was a problem checking remote {endpoint}.",
            ),
            (
                "ua_read_dispatch_failed",
                90,
                "[OPC UA CLIENT]: Couldn't dispatch read action for FB {fb}. Error: {ua_status}",
            ),
            (
                "ua_write_dispatch_failed",
                60,
                "[OPC UA CLIENT]: Couldn't dispatch write action for FB {fb}. Error: {ua_status}",
            ),
            (
                "ua_call_dispatch_failed",
                15,
                "[OPC UA CLIENT]: Couldn't dispatch call action for FB {fb}. Error {ua_status}",
            ),
            (
                "ua_node_not_found",
                40,
                "[OPC UA CLIENT]: The index {=0|0|1|2|3} of the FB {fb} could not be initialized because the requested nodeId was not found. Error: {ua_status_nf}",
            ),
            (
                "ua_method_not_found",
                8,
                "[OPC UA CLIENT]: The method call from FB {fb} failed because the requested node was not found. Error: {ua_status_nf}",
            ),
            (
                "ua_action_not_initialized",
                50,
                "[OPC UA REMOTE]: Cannot execute action from FB {fb}. It was not properly initialized",
            ),
            (
                "ua_session_renewed",
                20,
                "[OPC UA CLIENT]: Client state is session renewed. Check what happens with the subscription here",
            ),
            (
                "ua_config_error",
                4,
                "[OPC UA CLIENT]: Error setting client configuration. Error: {=BadOutOfMemory|BadInternalError}",
            ),
            (
                "ua_remote_cannot_perform",
                3,
                "[OPC UA REMOTE]: Cannot perform action {=CREATE_METHOD|CREATE_OBJECT|DELETE_OBJECT} remotely. Initialization failed",
            ),
        ),
        "values": {
            "bootfile": (
                "forte.fboot",
                "/opt/forte/forte.fboot",
                "/var/lib/forte/line2.fboot",
                "/data/forte.fboot",
            ),
            "endpoint": (
                "opc.tcp://192.168.10.21:4840",
                "opc.tcp://192.168.10.22:4840",
                "opc.tcp://plc-press3.local:4840",
                "opc.tcp://10.20.1.50:4841",
                "opc.tcp://kepserver.plant.local:49320",
                "opc.tcp://localhost:4840",
            ),
            "fb": (
                "Conveyor_Speed_Read",
                "Conveyor_Speed_Write",
                "Press3_Temp_Subscribe",
                "Press3_Cycle_Read",
                "Heater_Setpoint_Write",
                "Palletizer_State_Read",
                "Recipe_Load_Call",
                "ALARM_ACK_WRITE",
                "CLIENT_1_2_{=1|2|3|4}",
                "CLIENT_0_1_{=1|2}",
            ),
            "fb_type": ("CLIENT_1_2", "CLIENT_0_1", "PUBLISH_1", "SUBSCRIBE_1", "E_CYCLE"),
            "ua_status": (
                "BadConnectionClosed",
                "BadConnectionClosed",
                "BadSessionIdInvalid",
                "BadSecureChannelClosed",
                "BadTimeout",
                "BadNotConnected",
                "BadTooManyOperations",
            ),
            "ua_status_nf": (
                "BadNodeIdUnknown",
                "BadNoMatch",
                "BadBrowseNameInvalid",
                "BadNodeIdInvalid",
            ),
        },
    },
    # ocserv (OpenConnect VPN server 1.x) under syslog: the message after "ocserv[4242]: ",
    # so it starts with the process part ("main[...]:ip:port", "sec-mod:", "worker[...]: ip").
    # Checked: "user disconnected (reason: %s, rx: %PRIu64, tx: %PRIu64)" in ocserv's source;
    # "user logged in", "initiating session for user", "invalidating session of user",
    # "temporarily closing session for", "sending IPv4", "failed authentication attempt for
    # user", "failed cookie authentication attempt", "received BYE packet; exiting", "have not
    # received TCP DPD for long" from real log lines quoted in a public ocserv log parser;
    # "new user session", "using 'plain' authentication ...", "initialized ocserv",
    # "sec-mod initialized (socket: ...)", "reading supplemental config from files" and the
    # GnuTLS error line from a public ocserv setup guide's log. Reconstructed from memory:
    # "user of group ... authenticated (using cookie)", "added ... points ... to ban list",
    # "tried to connect more than ... times", "suggesting DTLS MTU", "termination request
    # received; waiting for children to die", "reloading configuration".
    "ocserv": {
        "lines": 2000,
        "families": (
            (
                "user_logged_in",
                200,
                "main[{vpn_user}]:{client_ip}:{cport} user logged in",
            ),
            (
                "user_disconnected",
                190,
                "main[{vpn_user}]:{client_ip}:{cport} user disconnected (reason: {discon_reason}, rx: {bytes}, tx: {bytes})",
            ),
            (
                "new_user_session",
                150,
                "main[{vpn_user}]:{client_ip}:{cport} new user session",
            ),
            (
                "authenticated_cookie",
                80,
                "main[{vpn_user}]:{client_ip}:{cport} user of group '{vpn_group}' authenticated (using cookie)",
            ),
            (
                "secmod_initiating_session",
                180,
                "sec-mod: initiating session for user '{vpn_user}' (session: {sid})",
            ),
            (
                "secmod_using_auth",
                160,
                "sec-mod: using '{=plain|plain|pam|radius}' authentication to authenticate user (session: {sid})",
            ),
            (
                "secmod_temporarily_closing",
                100,
                "sec-mod: temporarily closing session for {vpn_user} (session: {sid})",
            ),
            (
                "secmod_invalidating_session",
                60,
                "sec-mod: invalidating session of user '{vpn_user}' (session: {sid})",
            ),
            (
                "worker_sending_ipv4",
                150,
                "worker[{vpn_user}]: {client_ip} sending IPv4 {vpn_ip}",
            ),
            (
                "worker_dtls_mtu",
                90,
                "worker[{vpn_user}]: {client_ip} suggesting DTLS MTU {=1290|1342|1362|1402|1434}",
            ),
            (
                "worker_bye_packet",
                70,
                "worker[{vpn_user}]: {client_ip} received BYE packet; exiting",
            ),
            (
                "worker_dpd_long",
                40,
                "worker[{vpn_user}]: {client_ip} have not received TCP DPD for long ({dpd_secs} secs)",
            ),
            (
                "failed_auth_attempt",
                60,
                "main:{client_ip}:{cport} failed authentication attempt for user '{vpn_user_or_empty}'",
            ),
            (
                "failed_cookie_auth",
                25,
                "worker: {client_ip} failed cookie authentication attempt",
            ),
            (
                "gnutls_error",
                30,
                "GnuTLS error (at worker-vpn.c:{=468|1024|1147|1322}): {gnutls_err}",
            ),
            (
                "ban_points_added",
                20,
                "main: added {ban_points} for IP '{client_ip}' to ban list",
            ),
            (
                "too_many_connections",
                8,
                "main:{client_ip}:{cport} user '{vpn_user}' tried to connect more than {=2|4} times",
            ),
            (
                "main_initialized",
                2,
                "main: initialized ocserv {=1.2.4|1.3.0|1.1.6}",
            ),
            (
                "secmod_initialized",
                2,
                "sec-mod: sec-mod initialized (socket: {=/var/run/ocserv-socket|/run/ocserv.socket}.{hex8}.0)",
            ),
            (
                "secmod_reading_supplemental",
                4,
                "sec-mod: reading supplemental config from files",
            ),
            (
                "main_termination_request",
                2,
                "main: termination request received; waiting for children to die",
            ),
            (
                "main_reloading_config",
                3,
                "main: reloading configuration",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "vpn_user": (
                "a.mogilevich",
                "j.schmidt",
                "mkovacs",
                "tanaka",
                "l.rossi",
                "ops-laptop07",
                "field.eng3",
                "p.nowak",
                "svc-backup",
                "k.yilmaz",
            ),
            "vpn_user_or_empty": (
                "",
                "",
                "{vpn_user}",
                "{vpn_user}",
                "admin",
                "test",
                "root",
                "vpn",
            ),
            "ban_points": (
                "1 points (total 1)",
                "1 points (total 2)",
                "1 points (total 3)",
                "10 points (total 11)",
                "10 points (total 21)",
                "20 points (total 20)",
                "20 points (total 31)",
            ),
            "vpn_group": ("users", "users", "staff", "contractors", "field-eng"),
            "client_ip": (
                "{=31|37|46|62|78|85|91|109|176|185|188|212|217}.{d}{d}.{nz}{d}.{nz}{d}",
                "{=2|5|80|84|93|94|95}.1{d}{d}.{d}.1{d}{d}",
                "{=2|5|80|84|93|94|95}.{nz}{d}.{nz}.{nz}{d}",
            ),
            "cport": ("{=1|2|3|4|5|6}{d}{d}{d}{d}", "{nz}{d}{d}{d}"),
            "vpn_ip": (
                "10.88.{=0|1|2|9}.{nz}{d}",
                "10.88.{=0|1|2|9}.1{d}{d}",
                "192.168.99.{nz}{d}",
            ),
            "sid": ("{sid_char}{sid_char}{sid_char}{sid_char}{sid_char}{sid_char}",),
            "sid_char": tuple("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789+/"),
            "bytes": (
                "0",
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}",
            ),
            "discon_reason": (
                "user disconnected",
                "user disconnected",
                "user disconnected",
                "unspecified error",
                "idle timeout",
                "DPD timeout",
                "session timeout",
                "server disconnect",
                "unexpected data received",
            ),
            "dpd_secs": ("{=9|1|2|3}{d}{d}", "{=6|7|8|9}{d}"),
            "gnutls_err": (
                "A TLS fatal alert has been received.: Unknown certificate",
                "A TLS packet with unexpected length was received.",
                "The TLS connection was non-properly terminated.",
                "Error in the push function.",
                "An unexpected TLS packet was received.",
            ),
        },
    },
    # ModemManager 1.20 on a cellular edge router (LTE uplink of remote sites): the message
    # after "ModemManager[812]: <info>  " (or "<warn>  "), so it starts with the object tag
    # ("[modem0]", "[modem0/bearer1]", "[base-manager]").
    # Checked against ModemManager source (mm-iface-modem-simple.c and mm-iface-modem-3gpp.c):
    # "simple connect started...", every "simple connect state (N/8): ..." step text, "3GPP
    # registration state changed (%s -> %s)". Reconstructed from memory: "state changed
    # (%s -> %s)", "power state updated", "3GPP location updated (...)", "connection #N
    # finished: duration ...", the device/plugin probing lines, "port ... timed out",
    # "signal quality updated", "access technology changed", "couldn't connect bearer";
    # the state names are ModemManager's enum nicks.
    "modemmanager": {
        "lines": 2000,
        "families": (
            (
                "modem_state_changed",
                260,
                "[{modem}] state changed ({mm_transition})",
            ),
            (
                "registration_state_changed",
                220,
                "[{modem}] 3GPP registration state changed ({reg_transition})",
            ),
            (
                "simple_connect_started",
                60,
                "[{modem}] simple connect started...",
            ),
            (
                "simple_connect_unlock_check",
                40,
                "[{modem}] simple connect state (1/8): unlock check",
            ),
            (
                "simple_connect_wait_initialized",
                30,
                "[{modem}] simple connect state (2/8): wait to get fully initialized",
            ),
            (
                "simple_connect_enable",
                38,
                "[{modem}] simple connect state (3/8): enable",
            ),
            (
                "simple_connect_wait_enabled",
                45,
                "[{modem}] simple connect state (4/8): wait to get fully enabled",
            ),
            (
                "simple_connect_register",
                55,
                "[{modem}] simple connect state (5/8): register",
            ),
            (
                "simple_connect_bearer",
                55,
                "[{modem}] simple connect state (6/8): bearer",
            ),
            (
                "simple_connect_connect",
                55,
                "[{modem}] simple connect state (7/8): connect",
            ),
            (
                "simple_connect_all_done",
                50,
                "[{modem}] simple connect state (8/8): all done",
            ),
            (
                "location_3gpp_updated",
                150,
                "[{modem}] 3GPP location updated (MCC: '{mcc}', MNC: '{mnc}', location area code: '{lac}', tracking area code: '{tac}', cell ID: '{cellid}')",
            ),
            (
                "signal_quality_updated",
                170,
                "[{modem}] signal quality updated ({=12|19|25|31|38|42|48|54|61|67|74|80|87|93})",
            ),
            (
                "access_tech_changed",
                80,
                "[{modem}] access technology changed ({act_transition})",
            ),
            (
                "bearer_connection_finished",
                40,
                "[{modem}/bearer{=0|1|1|2}] connection #{=1|2|3|4|7|12} finished: duration {dur_s}s, tx: {mbytes} bytes, rx: {mbytes} bytes",
            ),
            (
                "bearer_connect_failed",
                30,
                "[{modem}] couldn't connect bearer: {bearer_err}",
            ),
            (
                "power_state_updated",
                12,
                "[{modem}] power state updated: {=on|low|off}",
            ),
            (
                "port_timed_out",
                25,
                "[{modem}/{=ttyUSB2|ttyUSB3|cdc-wdm0}/{=at|qmi}] port timed out {=2|3|5|10} consecutive times",
            ),
            (
                "device_creating_modem",
                5,
                "[device {sysfs_dev}] creating modem with plugin '{=quectel|sierra|telit|simtech|generic}' and '{=3|4|5}' ports",
            ),
            (
                "modem_created",
                5,
                "[base-manager] modem for device '{sysfs_dev}' successfully created",
            ),
            (
                "device_not_supported",
                4,
                "[base-manager] couldn't check support for device '{sysfs_dev}': not supported by any plugin",
            ),
            (
                "mm_starting",
                2,
                "ModemManager (version {=1.20.4|1.20.6|1.22.0}) starting in system bus...",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "modem": ("modem0", "modem0", "modem0", "modem1", "modem2"),
            "mm_transition": (
                "registered -> connecting",
                "connecting -> connected",
                "connected -> disconnecting",
                "disconnecting -> registered",
                "connected -> registered",
                "connecting -> registered",
                "registered -> searching",
                "searching -> registered",
                "enabled -> searching",
                "enabling -> enabled",
                "disabled -> enabling",
                "initializing -> disabled",
                "unknown -> initializing",
                "initializing -> locked",
                "locked -> initializing",
                "connected -> failed",
                "registered -> disabling",
                "disabling -> disabled",
            ),
            "reg_transition": (
                "idle -> searching",
                "searching -> home",
                "home -> searching",
                "searching -> idle",
                "home -> idle",
                "idle -> home",
                "searching -> denied",
                "denied -> searching",
                "searching -> roaming",
                "roaming -> home",
                "unknown -> home",
                "home -> emergency-only",
            ),
            "act_transition": (
                "unknown -> lte",
                "lte -> umts",
                "umts -> lte",
                "lte -> hspa-plus",
                "hspa-plus -> lte",
                "lte -> lte, 5gnr",
                "lte, 5gnr -> lte",
                "lte -> unknown",
                "umts -> edge",
                "edge -> lte",
            ),
            "mcc": ("262", "262", "232", "228", "310"),
            "mnc": ("01", "02", "03", "07", "260"),
            "lac": ("0000", "FFFE", "{H}{H}{H}{H}"),
            "tac": ("{H}{H}{H}{H}", "00{H}{H}{H}{H}"),
            "cellid": ("{H}{H}{H}{H}{H}{H}{H}{H}", "0{H}{H}{H}{H}{H}{H}{H}"),
            "H": tuple("0123456789ABCDEF"),
            "dur_s": (
                "{nz}",
                "{nz}{d}",
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{=1|2|3|4|5|6|7|8}{d}{d}{d}{d}{d}",
            ),
            "mbytes": (
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}{d}{d}",
            ),
            "bearer_err": (
                "Couldn't connect: Timeout was reached",
                "QMI protocol error (14): 'CallFailed'",
                "Operation not allowed",
                "Cannot create new bearer: all existing bearers are connected",
                "Connection request forbidden: operation already in progress",
                "Not registered in the network",
            ),
            "sysfs_dev": (
                "/sys/devices/platform/soc/3f980000.usb/usb1/1-1/1-1.3",
                "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-3",
                "/sys/devices/platform/ehci-platform/usb1/1-1",
            ),
        },
    },
    # Gunicorn 21-23 serving a Django app under systemd: the error-log message after
    # "[2024-05-14 09:12:44 +0000] [4711] [INFO] " (DEBUG level on, so the debug lines show),
    # and the access-log lines (same stream) whole, in gunicorn's default access format.
    # Checked against benoitc/gunicorn arbiter.py, workers/base.py and workers/gthread.py:
    # every error-log text except "Connection in use: ..." and "Retrying in 1 second." (sock.py,
    # from memory). The access-log format is from memory of the default access_log_format;
    # request paths, user agents and the exception texts in values are invented.
    "gunicorn": {
        "lines": 2000,
        "families": (
            (
                "access_log",
                640,
                '{client} - {remote_user} [{accesstime}] "{method} {url} HTTP/{=1.1|1.1|1.0}" {status} {resp_bytes} "{referer}" "{agent}"',
            ),
            (
                "starting_gunicorn",
                3,
                "Starting gunicorn {=21.2.0|22.0.0|23.0.0}",
            ),
            (
                "listening_at",
                4,
                "Listening at: {bind} ({pid})",
            ),
            (
                "using_worker",
                3,
                "Using worker: {=sync|gthread|gevent|uvicorn.workers.UvicornWorker}",
            ),
            (
                "booting_worker",
                120,
                "Booting worker with pid: {pid}",
            ),
            (
                "worker_exiting",
                100,
                "Worker exiting (pid: {pid})",
            ),
            (
                "handling_signal",
                40,
                "Handling signal: {=hup|term|int|ttin|ttou|usr1|winch|chld}",
            ),
            (
                "worker_timeout",
                70,
                "WORKER TIMEOUT (pid:{pid})",
            ),
            (
                "worker_sent_signal",
                60,
                "Worker (pid:{pid}) was sent {=SIGTERM|SIGTERM|SIGABRT|SIGQUIT|SIGINT}!",
            ),
            (
                "worker_sent_sigkill_oom",
                35,
                "Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?",
            ),
            (
                "worker_exited_code",
                25,
                "Worker (pid:{pid}) exited with code {=1|3|4|255}.",
            ),
            (
                "shutting_down",
                6,
                "Shutting down: {=Master|Master|Master.2}",
            ),
            (
                "shutdown_reason",
                4,
                "Reason: {=Worker failed to boot.|App failed to load.}",
            ),
            (
                "hang_up",
                5,
                "Hang up: {=Master|Master.2}",
            ),
            (
                "autorestarting_worker",
                45,
                "Autorestarting worker after current request.",
            ),
            (
                "parent_changed",
                3,
                "Parent changed, shutting down: <gunicorn.workers.gthread.ThreadWorker object at 0x7f{hex8}{hex2}>",
            ),
            (
                "error_handling_request",
                55,
                "Error handling request {url}",
            ),
            (
                "invalid_request",
                40,
                "Invalid request from ip={ip}: {invalid_req}",
            ),
            (
                "ignoring_connection_reset",
                30,
                "Ignoring connection reset",
            ),
            (
                "closing_connection",
                160,
                "Closing connection.",
            ),
            (
                "ignored_premature_disconnect",
                25,
                "Ignored premature client disconnection. No more data after: b''",
            ),
            (
                "workers_count",
                40,
                "{=2|3|4|5|8|9} workers",
            ),
            (
                "worker_reloading",
                8,
                "Worker reloading: {reload_file} modified",
            ),
            (
                "master_promoted",
                2,
                "Master has been promoted.",
            ),
            (
                "usr2_ignored",
                3,
                "USR2 signal ignored. {=Child|Parent} exists.",
            ),
            (
                "connection_in_use",
                6,
                "Connection in use: {bind_tuple}",
            ),
            (
                "retrying",
                6,
                "Retrying in 1 second.",
            ),
            (
                "no_keepalive_possible",
                2,
                "No keepalived connections can be handled. Check the number of worker connections and threads.",
            ),
            (
                "socket_error_request",
                12,
                "Socket error processing request.",
            ),
            (
                "exception_in_worker",
                6,
                "Exception in worker process",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "bind": (
                "http://127.0.0.1:8000",
                "http://0.0.0.0:8000",
                "unix:/run/gunicorn/shop.sock",
                "http://[::]:8080",
            ),
            "bind_tuple": ("('0.0.0.0', 8000)", "('127.0.0.1', 8000)", "/run/gunicorn/shop.sock"),
            "client": ("{ip}", "127.0.0.1", "127.0.0.1", "10.0.3.{nz}{d}"),
            "remote_user": ("-", "-", "-", "-", "{user}"),
            "accesstime": ("{=14|15}/May/2024:{time} +0000",),
            "method": (
                "GET",
                "GET",
                "GET",
                "GET",
                "POST",
                "POST",
                "PUT",
                "DELETE",
                "HEAD",
                "OPTIONS",
            ),
            "url": (
                "/",
                "/api/v1/orders/{count}/",
                "/api/v1/orders/?page={small}&status={=open|paid|shipped}",
                "/api/v1/products/{count}/",
                "/api/v1/cart/",
                "/api/v1/auth/token/refresh/",
                "/admin/orders/order/{count}/change/",
                "/static/css/main.{hex8}.css",
                "/healthz",
                "/healthz",
                "/metrics",
                "/checkout/{uuid}/confirm",
                "/media/products/{hex12}.jpg",
            ),
            "status": (
                "200",
                "200",
                "200",
                "200",
                "200",
                "201",
                "204",
                "301",
                "302",
                "304",
                "400",
                "401",
                "403",
                "404",
                "404",
                "499",
                "500",
                "502",
            ),
            "resp_bytes": (
                "0",
                "-",
                "{nz}{d}",
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
            ),
            "referer": (
                "-",
                "-",
                "-",
                "https://shop.example.com/",
                "https://shop.example.com/cart/",
                "https://shop.example.com/admin/",
            ),
            "agent": (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                "kube-probe/1.29",
                "kube-probe/1.29",
                "Prometheus/2.51.2",
                "python-requests/2.31.0",
                "curl/8.5.0",
            ),
            "invalid_req": (
                "Invalid HTTP request line: ''",
                "Invalid HTTP Version: 'HTTP/1.2'",
                "Invalid HTTP method: 'PRI'",
                "Invalid HTTP Header: 'X-Forwarded-For'",
                "No more data after: b''",
                "Request Line is too large (4100 > 4094)",
                "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)",
            ),
            "reload_file": (
                "/srv/shop/app/settings.py",
                "/srv/shop/orders/views.py",
                "/srv/shop/catalog/models.py",
                "/srv/shop/app/urls.py",
            ),
        },
    },
}
