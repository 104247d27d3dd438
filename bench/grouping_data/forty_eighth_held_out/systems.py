"""Held-out systems, forty-eighth set: written by a helper that did not read or run the miner,
asked on 2026-12-07 (session of 12:14 UTC); measured once on 12-07 13:14 (0.866 mean),
before anything was tuned on it (see ../README.md for what was after).

Plain data for ../generate.py: each system's families (event id, weight, layout) and the
values its fields take. See ../README.md.
"""

# ruff: noqa: E501

SYSTEMS = {
    # ESPHome 2024.x firmware on an ESP32 pump-station controller (tank level, Dallas probes,
    # a Modbus RTU energy meter, a pulse flow meter, relays), as the logger prints it over
    # the API/serial: the "[D][tag:line]: message" part after the "[12:34:56]" time. Checked
    # against esphome/esphome source: sensor "Sending state %.5f %s with %d decimals of
    # accuracy", modbus_controller "no response received - removed from send queue", wifi
    # "Event: Disconnected ssid=... bssid=... reason=...", api "%s: Connected successfully",
    # preferences "Saving %d preferences to flash: %d cached, %d written, %d failed",
    # ota "Boot seems successful...", pulse_counter "Retrieved counter: %0.2f pulses/min",
    # component "took a long time for an operation" (seen in user logs). From memory: the
    # binary_sensor/switch/text_sensor state lines, switch "Turning ON/OFF", the Dallas
    # "Got Temperature" and "Scratch pad checksum invalid", bme280, ct_clamp, modbus CRC,
    # the warning-flag lines, api "Connection closed", time sync and the source line numbers.
    "esphome": {
        "lines": 2000,
        "families": (
            (
                "sensor_sending_state",
                420,
                "[D][sensor:094]: {reading}",
            ),
            (
                "dallas_got_temperature",
                130,
                "[D][dallas.sensor:143]: '{dallas}': Got Temperature={temp1}°C",
            ),
            (
                "dallas_checksum_invalid",
                6,
                "[W][dallas.sensor:155]: '{dallas}' - Scratch pad checksum invalid!",
            ),
            (
                "bme280_got",
                70,
                "[D][bme280.sensor:{=297|310}]: Got temperature={temp1}°C pressure={pressure}hPa humidity={hum}%",
            ),
            (
                "ct_clamp_raw",
                60,
                "[D][ct_clamp:049]: '{=Pump 1 Current|Pump 2 Current|Compressor Current}' - Raw AC Value: {amps}A after {samples} different samples ({sps} SPS)",
            ),
            (
                "pulse_counter_retrieved",
                90,
                "[D][pulse_counter:174]: '{=Inflow Rate|Outflow Rate|Backwash Flow}': Retrieved counter: {ppm} pulses/min",
            ),
            (
                "binary_sensor_state",
                70,
                "[D][binary_sensor:036]: '{binsensor}': Sending state {=ON|OFF}",
            ),
            (
                "switch_state",
                55,
                "[D][switch:055]: '{relay}': Sending state {=ON|OFF}",
            ),
            (
                "switch_turning_on",
                25,
                "[D][switch:012]: '{relay}' Turning ON.",
            ),
            (
                "switch_turning_off",
                25,
                "[D][switch:016]: '{relay}' Turning OFF.",
            ),
            (
                "text_sensor_state",
                35,
                "[D][text_sensor:064]: {textpair}'",
            ),
            (
                "modbus_no_response",
                40,
                "[D][modbus_controller:040]: Modbus command to device={=1|2|3} register=0x{=00|06|0C|12|1E|46|48|156} no response received - removed from send queue",
            ),
            (
                "modbus_crc_failed",
                12,
                "[W][modbus:108]: Modbus CRC Check failed! {HEX4}!={HEX4}",
            ),
            (
                "component_long_operation",
                45,
                "[W][component:237]: Component {component} took a long time for an operation ({slowms} ms).",
            ),
            (
                "component_block_hint",
                44,
                "[W][component:238]: Components should block for at most 30 ms.",
            ),
            (
                "component_warning_set",
                10,
                "[W][component:157]: Component {component} set Warning flag: {=unspecified|unspecified|communication failed}",
            ),
            (
                "component_warning_cleared",
                9,
                "[W][component:170]: Component {component} cleared Warning flag",
            ),
            (
                "wifi_disconnected",
                12,
                "[W][wifi_esp32:482]: Event: Disconnected ssid='{ssid}' bssid={MAC} reason='{wifi_reason}'",
            ),
            (
                "wifi_connecting",
                12,
                "[I][wifi:313]: WiFi Connecting to '{ssid}'...",
            ),
            (
                "wifi_connected",
                10,
                "[I][wifi:617]: WiFi Connected!",
            ),
            (
                "api_connected",
                18,
                "[D][api.connection:1126]: Home Assistant {ha_version} ({ha_ip}): Connected successfully",
            ),
            (
                "api_connection_closed",
                10,
                "[W][api.connection:095]: Home Assistant {ha_version} ({ha_ip}): Connection closed",
            ),
            (
                "preferences_saving",
                22,
                "[D][esp32.preferences:114]: Saving {=1|1|2|3} preferences to flash...",
            ),
            (
                "preferences_saved",
                22,
                "[D][esp32.preferences:143]: Saving {=1|1|2|3} preferences to flash: {=0|0|1} cached, {=1|1|2|3} written, 0 failed",
            ),
            (
                "ota_boot_successful",
                4,
                "[I][ota:046]: Boot seems successful, resetting boot loop counter.",
            ),
            (
                "time_synchronized",
                8,
                "[I][time:{=042|049}]: Synchronized time: {date} {time}",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "reading": (
                "'Tank Level': Sending state {=1|2|3|4|5|6|7|8}{d}.{d}0000 % with 1 decimals of accuracy",
                "'Tank Level': Sending state {=1|2|3|4|5|6|7|8}{d}.{d}0000 % with 1 decimals of accuracy",
                "'Supply Pressure': Sending state {=2|3|4}.{d}{d}000 bar with 2 decimals of accuracy",
                "'Water Temperature': Sending state {=1|2}{d}.{d}{=0|2|5|7}500 °C with 1 decimals of accuracy",
                "'Cabinet Temperature': Sending state {=2|3|4}{d}.{d}{d}000 °C with 1 decimals of accuracy",
                "'Meter Voltage L1': Sending state 2{=2|3|4}{d}.{d}0000 V with 1 decimals of accuracy",
                "'Meter Power': Sending state {nz}{d}{d}{d}.{d}0000 W with 0 decimals of accuracy",
                "'Meter Energy': Sending state {nz}{d}{d}{d}{d}.{d}{d}000 kWh with 2 decimals of accuracy",
                "'Inflow': Sending state {d}{d}.{d}{d}{d}00 L/min with 2 decimals of accuracy",
                "'WiFi Signal': Sending state -{=5|6|7|8}{d}.00000 dBm with 0 decimals of accuracy",
                "'Uptime': Sending state {nz}{d}{d}{d}{d}.00000 s with 0 decimals of accuracy",
            ),
            "temp1": ("{=1|2}{d}.{d}", "{=1|2}{d}.{d}", "{=3|4}{d}.{d}", "-{nz}.{d}"),
            "pressure": ("{=98|99|100|101|102}{d}.{d}",),
            "hum": ("{=2|3|4|5|6|7}{d}.{d}",),
            "amps": ("{d}.{d}{d}{d}", "1{d}.{d}{d}{d}"),
            "samples": ("{=9|1|2}{d}{d}{d}",),
            "sps": ("{=4|5|6|7}{d}{d}{d}",),
            "ppm": ("{d}.{d}{d}", "{nz}{d}.{d}{d}", "{nz}{d}{d}.{d}{d}"),
            "dallas": (
                "Tank Temp",
                "Inlet Temp",
                "Outlet Temp",
                "Motor Winding Temp",
                "Outdoor Temp",
            ),
            "binsensor": (
                "Float Switch High",
                "Float Switch Low",
                "Door Contact",
                "Pump 1 Fault",
                "Pump 2 Fault",
                "Leak Sensor",
                "Status",
            ),
            "relay": ("Pump 1", "Pump 2", "Dosing Pump", "Cabinet Fan", "Heater", "Alarm Horn"),
            "textpair": (
                "'IP Address': Sending state '192.168.{=10|20|50}.{nz}{d}",
                "'Pump Mode': Sending state '{=AUTO|MANUAL|ALTERNATE}",
                "'Pump Mode': Sending state '{=AUTO|MANUAL|ALTERNATE}",
                "'Connected SSID': Sending state '{ssid}",
                "'ESPHome Version': Sending state '2024.{=6|9|11}.{nz} Aug 12 2024, 09:14:31",
            ),
            "component": (
                "api",
                "modbus_controller",
                "dallas.sensor",
                "wifi",
                "web_server",
                "logger",
                "bme280.sensor",
                "esp32_ble_tracker",
            ),
            "slowms": ("3{d}", "4{d}", "5{d}", "6{d}", "1{d}{d}", "2{d}{d}"),
            "ssid": ("PUMPSTATION-IOT", "ops-wlan", "plant-sensors", "FW-Mesh-2G"),
            "wifi_reason": (
                "Beacon Timeout",
                "Beacon Timeout",
                "Auth Expired",
                "Association Leave",
                "Handshake Failed",
                "4-Way Handshake Timeout",
                "Connection Failed",
            ),
            "HEX4": (
                "{=0|1|2|3|4|5|6|7|8|9|A|B|C|D|E|F}{=0|1|2|3|4|5|6|7|8|9|A|B|C|D|E|F}{=0|1|2|3|4|5|6|7|8|9|A|B|C|D|E|F}{=0|1|2|3|4|5|6|7|8|9|A|B|C|D|E|F}",
            ),
            "HH": ("{=0|1|2|3|4|5|6|7|8|9|A|B|C|D|E|F}{=0|1|2|3|4|5|6|7|8|9|A|B|C|D|E|F}",),
            "MAC": ("{=24:0A:C4|B4:FB:E4|F0:9F:C2|C8:3A:35}:{HH}:{HH}:{HH}",),
            "ha_version": ("2024.6.4", "2024.8.1", "2024.10.3", "2024.12.0"),
            "ha_ip": ("192.168.10.5", "192.168.10.5", "10.20.0.14"),
        },
    },
    # Marlin 2.1 3D-printer firmware, the lines it sends over USB serial to the print host
    # (as a host's serial log shows them without its "Recv: " prefix): temperature and
    # SD-progress auto-reports, keepalive "busy" lines, command errors, bed probing. Checked
    # against Marlin's core/language.h: "busy: processing", "busy: paused for user/input",
    # "Unknown command: \"", "Line Number is not Last Line Number+1, Last Line: ",
    # "checksum mismatch, Last Line: ", "Resend: ", "SD card ok", "File opened: "/" Size: ",
    # "File selected", "Done printing file", "SD printing byte ", "Not SD printing",
    # " cold extrusion prevented", "Printer halted. kill() called!", the heater errors
    # (", system stopped! Heater_ID: ", "Thermal Runaway", "Heating failed", "MINTEMP
    # triggered"), "Probing Failed", the PID autotune strings. From memory: the layout of the
    # temperature report, the M114 position report, "Bed X: Y: Z:" probe points, "Settings
    # Stored (... bytes; crc ...)", the M115 FIRMWARE_NAME line, "echo:Now fresh file:".
    "marlin": {
        "lines": 2000,
        "families": (
            (
                "ok",
                330,
                "ok",
            ),
            (
                "temperature_report",
                330,
                " T:{hotend} /{=0.00|200.00|205.00|210.00|215.00|240.00} B:{bed} /{=0.00|60.00|60.00|70.00|85.00} @:{pwm} B@:{pwm}",
            ),
            (
                "busy_processing",
                160,
                "echo:busy: processing",
            ),
            (
                "busy_paused_for_user",
                14,
                "echo:busy: paused for user",
            ),
            (
                "busy_paused_for_input",
                6,
                "echo:busy: paused for input",
            ),
            (
                "sd_printing_byte",
                150,
                "SD printing byte {sdpos}/{sdsize}",
            ),
            (
                "not_sd_printing",
                30,
                "Not SD printing",
            ),
            (
                "position_report",
                60,
                "X:{pos} Y:{pos} Z:{zpos} E:{epos} Count X:{count} Y:{count} Z:{count}",
            ),
            (
                "probe_point",
                90,
                "Bed X: {probexy} Y: {probexy} Z: {probez}",
            ),
            (
                "probing_failed",
                3,
                "Error:Probing Failed",
            ),
            (
                "unknown_command",
                22,
                'echo:Unknown command: "{badcmd}"',
            ),
            (
                "line_number_error",
                14,
                "Error:Line Number is not Last Line Number+1, Last Line: {lineno}",
            ),
            (
                "checksum_mismatch",
                10,
                "Error:checksum mismatch, Last Line: {lineno}",
            ),
            (
                "resend",
                24,
                "Resend: {lineno}",
            ),
            (
                "sd_card_ok",
                5,
                "echo:SD card ok",
            ),
            (
                "now_fresh_file",
                8,
                "echo:Now fresh file: {gcodefile}",
            ),
            (
                "file_opened",
                9,
                "File opened: {gcodefile} Size: {sdsize}",
            ),
            (
                "file_selected",
                9,
                "File selected",
            ),
            (
                "done_printing",
                7,
                "Done printing file",
            ),
            (
                "cold_extrusion",
                8,
                "echo: cold extrusion prevented",
            ),
            (
                "settings_stored",
                4,
                "echo:Settings Stored ({=628|646|706|1091} bytes; crc {crc})",
            ),
            (
                "pid_autotune_start",
                3,
                "PID Autotune start",
            ),
            (
                "pid_autotune_cycle",
                16,
                " bias: {pidb} d: {pidb} min: {pidmin} max: {pidmax} Ku: {ku} Tu: {tu}",
            ),
            (
                "pid_autotune_finished",
                3,
                "PID Autotune finished! Put the last Kp, Ki and Kd constants from below into Configuration.h",
            ),
            (
                "thermal_runaway",
                2,
                "Error:Thermal Runaway, system stopped! Heater_ID: {=0|bed}",
            ),
            (
                "heating_failed",
                2,
                "Error:Heating failed, system stopped! Heater_ID: {=0|bed}",
            ),
            (
                "mintemp",
                1,
                "Error:MINTEMP triggered, system stopped! Heater_ID: {=0|bed}",
            ),
            (
                "printer_halted",
                3,
                "Error:Printer halted. kill() called!",
            ),
            (
                "firmware_info",
                3,
                "FIRMWARE_NAME:Marlin {marlin_ver} (Github) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:{machine} EXTRUDER_COUNT:1 UUID:{uuid}",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "hotend": (
                "2{=0|0|0|1|1|2}{d}.{d}{d}",
                "2{=3|4}{d}.{d}{d}",
                "{=2|3|4|5|6|9}{d}.{d}{d}",
                "1{=2|5|8|9}{d}.{d}{d}",
            ),
            "bed": ("{=5|6}{d}.{d}{d}", "{=6|7|8}{d}.{d}{d}", "{=2|3}{d}.{d}{d}"),
            "pwm": ("0", "127", "{nz}{d}", "1{d}{d}", "{=2}{=0|1|2|3|4}{d}"),
            "sdpos": (
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}",
            ),
            "sdsize": ("{nz}{d}{d}{d}{d}{d}{d}", "{nz}{d}{d}{d}{d}{d}"),
            "pos": ("{d}.00", "{nz}{d}.{d}0", "1{d}{d}.{d}{d}", "2{=0|1|2}{d}.00"),
            "zpos": ("0.{d}0", "{d}.{d}{d}", "{nz}{d}.{d}0", "15.00"),
            "epos": ("0.00", "{d}.{d}{d}", "-{d}.{d}0", "{nz}{d}{d}{d}.{d}{d}"),
            "count": ("0", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "probexy": ("{=30|30|70|110|150|190|200}.000", "{=1|2}{d}{d}.{d}00"),
            "probez": ("0.{d}{d}{d}", "-0.{d}{d}{d}", "0.0{d}{d}", "-0.0{d}{d}"),
            "badcmd": (
                "M{=118|150|412|600|701|876|997}",
                "G{=29 P1|34|35|425}",
                "T{=1|2}",
                "M{=20|23} L",
            ),
            "lineno": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "gcodefile": (
                "{=bracket|clip|housing|gear|vase|benchy|fan_duct|enclosure_hinge}_{=v2|v3|pla|petg|0.2mm}.gco",
                "{=BRACK~1|HOUSIN~1|FAN_DU~1|CE3PRO~1}.GCO",
            ),
            "crc": ("{nz}{d}{d}{d}{d}", "{nz}{d}{d}{d}"),
            "pidmin": ("{=19|20|20|21}{d}.{d}{d}",),
            "pidmax": ("{=21|22|22|23}{d}.{d}{d}",),
            "pidb": ("{nz}{d}", "1{d}{d}"),
            "ku": ("{nz}{d}.{d}{d}", "1{d}{d}.{d}{d}"),
            "tu": ("{nz}{d}.{d}{d}", "{nz}.{d}{d}"),
            "marlin_ver": ("2.1.2.1", "2.1.2.4", "2.1.2.5", "bugfix-2.1.x"),
            "machine": ("Ender-3 Pro", "Ender-3 V2", "Prusa i3 MK3 Clone", "Voron Switchwire"),
        },
    },
    # Classic ntpd 4.2.8p15 (Debian/Ubuntu "ntp" package) in syslog: the message after
    # "ntpd[pid]: ". Starting up, pool servers, interface changes, kernel clock status and
    # the "report_event" lines ("<address> <status> <code> <event> [detail]", logconfig
    # with =syncall +peerall), whose event name tells the events apart. Checked against ntp
    # source and user logs: "synchronized to %s, stratum %d", "Soliciting pool server %s",
    # "receive: Unexpected origin timestamp %#010x.%08x does not match aorg ... from %s@%s
    # xmt ...", "Deleting interface #%u %s, %s#%d, interface stats: received=..., sent=...,
    # dropped=..., active_time=... secs" (newer versions add an "IO: " prefix; left out),
    # "kernel reports TIME_ERROR: 0x41: Clock Unsynchronized", "Listening on routing
    # socket on fd #.. for interface updates", "local addr ... -> <null>". From memory: the
    # startup banner, "Command line:", "proto: precision", the leapsecond-file lines,
    # "Listen and drop/normally on", the report_event status codes, "new interface(s) found",
    # the bind/socket failures, the exit line.
    "ntpd": {
        "lines": 2000,
        "families": (
            (
                "starting",
                4,
                "ntpd 4.2.8p15@1.3728-o {=Wed Sep 23 11:46:38 UTC 2020|Fri Apr 22 08:39:27 UTC 2022} (1): Starting",
            ),
            (
                "command_line",
                4,
                "Command line: /usr/sbin/ntpd -p /var/run/ntpd.pid -g -u {=105:110|109:114|115:119|127:134}",
            ),
            (
                "precision",
                4,
                "proto: precision = 0.0{=38|41|50|70|95} usec (-{=23|24})",
            ),
            (
                "leapfile_good_hash",
                4,
                "leapsecond file ('/usr/share/zoneinfo/leap-seconds.list'): good hash signature",
            ),
            (
                "leapfile_loaded",
                4,
                "leapsecond file ('/usr/share/zoneinfo/leap-seconds.list'): loaded, expire={=2023-12-28|2024-06-28|2025-06-28}T00:00:00Z last=2017-01-01T00:00:00Z ofs=37",
            ),
            (
                "leapfile_expires_soon",
                10,
                "leapsecond file ('/usr/share/zoneinfo/leap-seconds.list'): will expire in less than {=29|14|7|3} days",
            ),
            (
                "initial_drift",
                4,
                "initial drift restored to {drift}",
            ),
            (
                "listen_and_drop",
                8,
                "Listen and drop on {=0 v6wildcard [::]:123|1 v4wildcard 0.0.0.0:123}",
            ),
            (
                "listen_normally",
                50,
                "Listen normally on {ifnum} {iface} {ifaddr}:123",
            ),
            (
                "routing_socket",
                4,
                "Listening on routing socket on fd #{=20|21|22|24|25} for interface updates",
            ),
            (
                "soliciting_pool",
                190,
                "Soliciting pool server {server}",
            ),
            (
                "unexpected_origin",
                120,
                "receive: Unexpected origin timestamp 0x{hex8}.{hex8} does not match aorg 0000000000.00000000 from server@{server} xmt 0x{hex8}.{hex8}",
            ),
            (
                "kernel_time_error",
                60,
                "kernel reports TIME_ERROR: 0x{=41|2041|4041}: Clock Unsynchronized",
            ),
            (
                "synchronized",
                110,
                "synchronized to {sync_src}, stratum {=1|2|2|2|3|3}",
            ),
            (
                "local_addr_null",
                45,
                "{server} local addr {lanip} -> <null>",
            ),
            (
                "deleting_interface",
                25,
                "Deleting interface #{ifnum} {iface}, {ifaddr}#123, interface stats: received={count}, sent={count}, dropped={=0|0|0|1|4}, active_time={count} secs",
            ),
            (
                "new_interfaces",
                25,
                "new interface(s) found: waking up resolver",
            ),
            (
                "bind_failed",
                18,
                "bind({=21|22|23|24}) AF_INET6 {linklocal}%{=2|3}#123 flags 0x11 failed: Cannot assign requested address",
            ),
            (
                "unable_create_socket",
                18,
                "unable to create socket on {=eth0|enp1s0|wlan0|eno1} ({=5|6|7|8}) for {linklocal}%{=2|3}#123",
            ),
            (
                "event_restart",
                4,
                "0.0.0.0 c016 06 restart",
            ),
            (
                "event_freq_set",
                4,
                "0.0.0.0 c012 02 freq_set kernel {drift} PPM",
            ),
            (
                "event_clock_step",
                30,
                "0.0.0.0 {=061c|0618|c61c} 0c clock_step {sign}{offset} s",
            ),
            (
                "event_clock_sync",
                30,
                "0.0.0.0 {=0615|0628} 05 clock_sync",
            ),
            (
                "event_spike_detect",
                40,
                "0.0.0.0 {=0613|0628|0618} 03 spike_detect {sign}{offset} s",
            ),
            (
                "event_no_sys_peer",
                15,
                "0.0.0.0 {=0618|c618} 08 no_sys_peer",
            ),
            (
                "event_mobilize",
                60,
                "{server} 8011 81 mobilize assoc {assoc}",
            ),
            (
                "event_reachable",
                60,
                "{server} 8014 84 reachable",
            ),
            (
                "event_unreachable",
                30,
                "{server} 8043 83 unreachable",
            ),
            (
                "event_sys_peer",
                35,
                "{server} {=961a|963a|941a|9624} 8a sys_peer",
            ),
            (
                "exiting",
                4,
                "ntpd exiting on signal {=15 (Terminated)|2 (Interrupt)}",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "ifnum": ("2", "3", "4", "5", "6", "7", "8", "9", "1{d}"),
            "iface": (
                "lo",
                "eth0",
                "enp1s0",
                "eno1",
                "wlan0",
                "docker0",
                "br-{hex12}",
                "veth{hex7}",
            ),
            "ifaddr": (
                "127.0.0.1",
                "[::1]",
                "{lanip}",
                "172.17.0.1",
                "[{linklocal}%{=2|3|4}]",
            ),
            "lanip": ("192.168.{=1|10|178}.{nz}{d}", "10.{=0|20|40}.{d}.{nz}{d}"),
            "linklocal": (
                "fe80::{hex4}:{hex4}:{hex4}:{hex4}",
                "fe80::{hex4}:{hex2}ff:fe{hex2}:{hex4}",
            ),
            "server": (
                "{pubip}",
                "{pubip}",
                "{pubip}",
                "162.159.200.{=1|123}",
                "91.189.{=89|91|94}.{=4|157|198}",
                "2001:67c:1560:8003::c{=7|8}",
                "2a01:4f8:{hex4}:{hex4}::2",
            ),
            "pubip": ("{=5|37|45|78|85|94|129|147|185|193|195|213}.{nz}{d}.{nz}{d}.{nz}{d}",),
            "sync_src": ("{server}", "{server}", "SHM(0)", "PPS(0)", "127.127.28.0"),
            "hex8": ("{hex4}{hex4}",),
            "drift": ("{=-|}{d}.{d}{d}{d}", "{=-|}{nz}{d}.{d}{d}{d}"),
            "sign": ("+", "-"),
            "offset": (
                "0.{d}{d}{d}{d}{d}{d}",
                "{d}.{d}{d}{d}{d}{d}{d}",
                "{nz}{d}.{d}{d}{d}{d}{d}{d}",
            ),
            "assoc": ("{=1|2|3|4|5|6}{d}{d}{d}{d}",),
        },
    },
    # Grafana Loki 2.9 in single-binary mode: its go-kit logfmt lines as the container prints
    # them, with the "ts=..." pair (the timestamp) taken out and the rest kept. Checked
    # against grafana/loki source and docs: the query-frontend "metrics.go" line and its
    # fields, roundtrip "executing query" type=range/series/labels (each its own Log call),
    # ingester "flushing stream" user/fp/immediate/num_chunks/total_comp..., "uploading
    # tables", "query readiness setup completed", the WAL "starting checkpoint"/"checkpoint
    # done", lifecycler "changing instance state from", querier "error processing requests
    # from scheduler", "error removing stale clients" err="empty ring". From memory: the
    # caller line numbers, the push-error middleware line (one format for every status and
    # response, so one family), "handing over indexes to shipper", "mark file created",
    # the compactor lines and "failed to flush".
    "loki": {
        "lines": 2000,
        "families": (
            (
                "frontend_query_stats",
                260,
                'level=info caller=metrics.go:159 component=frontend org_id={org} traceID={hex16} latency={=fast|fast|fast|slow} query="{logql}" query_hash={qhash} query_type={=filter|limited|metric} range_type=range length={length} start_delta={dur} end_delta={dur} step={step} duration={dur} status=200 limit={=100|1000|5000} returned_lines={num} throughput={rate} total_bytes={bytes} total_bytes_structured_metadata=0B lines_per_second={num} total_lines={num} post_filter_lines={num} total_entries={num} store_chunks_download_time={dur} queue_time={dur} splits={=0|1|2|4|16} shards={=0|1|16|32} cache_chunk_req={num} cache_chunk_hit={num} cache_chunk_bytes_stored={num} cache_chunk_bytes_fetched={num}',
            ),
            (
                "executing_query_range",
                160,
                'level=info caller=roundtrip.go:241 org_id={org} traceID={hex16} msg="executing query" type=range query="{logql}" length={length} step={step} query_hash={qhash}',
            ),
            (
                "executing_query_series",
                35,
                'level=info caller=roundtrip.go:306 org_id={org} traceID={hex16} msg="executing query" type=series match="{selector}" length={length}',
            ),
            (
                "executing_query_labels",
                45,
                'level=info caller=roundtrip.go:310 org_id={org} traceID={hex16} msg="executing query" type=labels label={label} length={length} query=',
            ),
            (
                "flushing_stream",
                190,
                'level=info caller=flush.go:{=167|296} component=ingester msg="flushing stream" user={org} fp={hex16} immediate=false num_chunks={=1|1|1|2|3} total_comp="{hsize}" avg_comp="{hsize}" total_uncomp="{hsize}" avg_uncomp="{hsize}" full={=0|1} idle={=0|1} max_age=0 labels="{selector}"',
            ),
            (
                "uploading_tables",
                70,
                'level=info caller=table_manager.go:{=136|171} index-store={store} msg="uploading tables"',
            ),
            (
                "finished_uploading_table",
                40,
                'level=info caller=index_set.go:107 msg="finished uploading table {table}"',
            ),
            (
                "handing_over_indexes",
                30,
                'level=info caller=table_manager.go:{=166|228} index-store={store} msg="handing over indexes to shipper"',
            ),
            (
                "query_readiness",
                35,
                'level=info caller=table_manager.go:{=262|271} index-store={store} msg="query readiness setup completed" duration={dur} distinct_users_len=0 distinct_users=',
            ),
            (
                "starting_checkpoint",
                40,
                'level=info caller=checkpoint.go:{=611|615} msg="starting checkpoint"',
            ),
            (
                "checkpoint_done",
                40,
                'level=info caller=checkpoint.go:{=336|340} msg="checkpoint done" time={dur}',
            ),
            (
                "push_request_failed",
                45,
                'level=warn caller=logging.go:{=86|123} orgID={org} msg="POST /loki/api/v1/push ({push_result}\\\\n\\" ws: false; Content-Length: {num}; Content-Type: application/x-protobuf; User-Agent: {agent}; "',
            ),
            (
                "scheduler_processing_error",
                25,
                'level=error caller=scheduler_processor.go:{=106|158} org_id={org} msg="error processing requests from scheduler" err="{sched_err}" addr=127.0.0.1:9095',
            ),
            (
                "removing_stale_clients",
                20,
                'level=warn caller=pool.go:{=193|205} msg="error removing stale clients" err="empty ring"',
            ),
            (
                "instance_state_change",
                6,
                'level=info caller=lifecycler.go:{=547|614} msg="changing instance state from" old_state={=PENDING|JOINING|ACTIVE} new_state={=JOINING|ACTIVE|LEAVING} ring={=ingester|compactor|scheduler}',
            ),
            (
                "compactor_chosen",
                4,
                'level=info caller=compactor.go:{=386|411} msg="this instance has been chosen to run the compactor, starting compactor"',
            ),
            (
                "compactor_startup_delay",
                4,
                'level=info caller=compactor.go:{=440|469} msg="compactor startup delay completed"',
            ),
            (
                "applying_retention",
                10,
                'level=info caller=compactor.go:{=592|605} msg="applying retention with compaction"',
            ),
            (
                "mark_file_created",
                10,
                'level=info caller=marker.go:{=78|87} msg="mark file created" file=/loki/compactor/retention/markers/{epoch}',
            ),
            (
                "failed_to_flush",
                8,
                'level=error caller=flush.go:{=143|178} org_id={org} msg="failed to flush" err="failed to flush chunks: store put chunk: {flush_err}, num_chunks: {=1|2|3}, labels: {selector}"',
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "org": ("fake", "fake", "fake", "tenant-ops", "tenant-web"),
            "logql": (
                '{{job=\\"varlogs\\"}} |= \\"error\\"',
                '{{namespace=\\"{ns}\\", app=\\"{app}\\"}}',
                '{{namespace=\\"{ns}\\", app=\\"{app}\\"}} |= \\"{=timeout|panic|level=error|503}\\"',
                'sum by (level) (count_over_time({{namespace=\\"{ns}\\"}} | logfmt [1m]))',
                'sum(rate({{app=\\"{app}\\"}} |= \\"error\\" [5m]))',
                '{{container=\\"{app}\\"}} | json | status >= 500',
                'count_over_time({{host=\\"{hostname}\\", job=\\"systemd-journal\\"}}[1m])',
            ),
            "selector": (
                '{{app=\\"{app}\\", namespace=\\"{ns}\\", pod=\\"{app}-{hex7}-{=x2k9f|q8z7m|w4n6p}\\"}}',
                '{{filename=\\"/var/log/{=syslog|auth.log|nginx/access.log|nginx/error.log}\\", host=\\"{hostname}\\", job=\\"varlogs\\"}}',
                '{{host=\\"{hostname}\\", job=\\"systemd-journal\\", unit=\\"{=sshd.service|docker.service|cron.service|kubelet.service}\\"}}',
            ),
            "label": ("app", "namespace", "job", "host", "container", "level", "unit", "filename"),
            "ns": ("prod", "staging", "monitoring", "ingress-nginx", "payments"),
            "app": ("checkout-api", "nginx", "grafana", "cart", "auth-service", "worker"),
            "hostname": ("web-01", "web-02", "db-01", "k8s-node-3", "bastion"),
            "qhash": ("{nz}{d}{d}{d}{d}{d}{d}{d}{d}", "{nz}{d}{d}{d}{d}{d}{d}{d}{d}{d}"),
            "length": (
                "5m0s",
                "15m0s",
                "1h0m0s",
                "1h0m0s",
                "3h0m0s",
                "6h0m0s",
                "24h0m0s",
                "168h0m0s",
            ),
            "step": ("1s", "2s", "14s", "15s", "30s", "1m0s", "5m0s"),
            "dur": (
                "{nz}{d}.{d}{d}{d}µs",
                "{nz}{d}{d}.{d}{d}{d}µs",
                "{nz}.{d}{d}{d}{d}{d}{d}ms",
                "{nz}{d}.{d}{d}{d}{d}{d}ms",
                "{nz}{d}{d}.{d}{d}{d}{d}{d}ms",
                "{nz}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
                "0s",
            ),
            "num": (
                "0",
                "{nz}",
                "{nz}{d}",
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
            ),
            "rate": ("{nz}{d}MB", "{nz}.{d}MB", "{nz}{d}{d}kB", "{nz}.{d}GB"),
            "bytes": ("{nz}{d}{d}kB", "{nz}.{d}MB", "{nz}{d}MB", "{nz}{d}{d}B"),
            "hsize": ("{nz}{d}{d} kB", "{nz}{d} kB", "{nz}.{d} MB", "{nz}.{d} kB"),
            "store": ("tsdb-2023-10-01", "boltdb-shipper-2022-01-11"),
            "table": ("index_19{=6|7}{d}{d}", "index_20{=0|1}{d}{d}"),
            "epoch": ("17{=0|1|2}{d}{d}{d}{d}{d}{d}{d}",),
            "push_result": (
                "429) {dur} Response: \\\"Ingestion rate limit exceeded for user {org} (limit: 4194304 bytes/sec) while attempting to ingest '{num}' lines totaling '{num}' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased",
                "429) {dur} Response: \\\"Ingestion rate limit exceeded for user {org} (limit: 4194304 bytes/sec) while attempting to ingest '{num}' lines totaling '{num}' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased",
                "400) {dur} Response: \\\"entry for stream '{selector}' has timestamp too new: {date}T{time}Z",
                "400) {dur} Response: \\\"entry with timestamp {date} {time} +0000 UTC ignored, reason: 'entry too far behind, oldest acceptable timestamp is: {date}T{time}Z',",
                '500) {dur} Response: \\"rpc error: code = Unavailable desc = error reading from server: EOF',
            ),
            "agent": (
                "promtail/2.9.2",
                "promtail/2.9.4",
                "GrafanaAgent/v0.39.1",
                "Go-http-client/1.1",
                "fluent-bit",
            ),
            "sched_err": (
                "rpc error: code = Canceled desc = context canceled",
                "rpc error: code = Unavailable desc = error reading from server: EOF",
                'rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial tcp 127.0.0.1:9095: connect: connection refused\\"',
            ),
            "flush_err": (
                "context deadline exceeded",
                "RequestCanceled: request context canceled",
                "SlowDown: Please reduce your request rate.",
                "open /loki/chunks/{hex16}: no space left on device",
            ),
        },
    },
    # Apache Flink 1.18 JobManager and TaskManager logs (log4j2 default layout
    # "%-5p %-60c %x - %m"): level, logger, "[]" and the message kept, the date taken out.
    # A Kafka-to-sink streaming job with checkpoints every minute and occasional task
    # failures and restarts. Checked against apache/flink source: "Triggering checkpoint {}
    # (type={}) @ {} for job {}.", "Completed checkpoint {} for job {} ({} bytes,
    # checkpointDuration={} ms, finalizationTime={} ms).", "Decline checkpoint {} by task {}
    # of job {} at {}.", "{} ({}) switched from {} to {} on {}." (Execution), "Job {} ({})
    # switched from state {} to {}.", "Deploying {} (attempt #{}) with attempt id {} and
    # vertex id {} to {} with allocation id {}", "{} tasks will be restarted to recover the
    # failed task {}.", "Received task {} ({}), deploy into slot with allocation id {}."
    # From memory: the Task-side "switched from {} to {}." without a location, "Freeing
    # task resources", "Un-registering task and sending final execution state", checkpoint
    # expiry and failure-manager lines, TaskManager registration/heartbeat lines, slot
    # manager, dispatcher submission, source reader "Adding split(s)", state backend loader.
    "flink": {
        "lines": 2000,
        "families": (
            (
                "triggering_checkpoint",
                220,
                "INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint {chk} (type=CheckpointType{{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}}) @ {epochms} for job {jobid}.",
            ),
            (
                "completed_checkpoint",
                210,
                "INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Completed checkpoint {chk} for job {jobid} ({statebytes} bytes, checkpointDuration={cms} ms, finalizationTime={=0|1|2|3|5|12} ms).",
            ),
            (
                "checkpoint_expired",
                14,
                "INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Checkpoint {chk} of job {jobid} expired before completing.",
            ),
            (
                "decline_checkpoint",
                12,
                "INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Decline checkpoint {chk} by task {attempt} of job {jobid} at {tmloc}.",
            ),
            (
                "checkpoint_failure_count",
                16,
                "WARN  org.apache.flink.runtime.checkpoint.CheckpointFailureManager [] - Failed to trigger or complete checkpoint {chk} for job {jobid}. ({=0|1|2|3} consecutive failed attempts so far)",
            ),
            (
                "restoring_job",
                8,
                "INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Restoring job {jobid} from Checkpoint {chk} @ {epochms} for {jobid} located at s3://flink-state/checkpoints/{jobid}/chk-{chk}.",
            ),
            (
                "execution_switched",
                260,
                "INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - {taskname} ({attempt}) switched from {exec_transition} on {tmloc}.",
            ),
            (
                "task_switched",
                200,
                "INFO  org.apache.flink.runtime.taskmanager.Task                    [] - {taskname} ({attempt}) switched from {task_transition}.",
            ),
            (
                "job_switched",
                16,
                "INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Job {jobname} ({jobid}) switched from state {job_transition}.",
            ),
            (
                "deploying",
                90,
                "INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Deploying {taskname} (attempt #{=0|0|1|2}) with attempt id {attempt} and vertex id {hex32}_{=0|1|2|3} to {tmloc} with allocation id {hex32}",
            ),
            (
                "received_task",
                90,
                "INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Received task {taskname} ({attempt}), deploy into slot with allocation id {hex32}.",
            ),
            (
                "freeing_task_resources",
                45,
                "INFO  org.apache.flink.runtime.taskmanager.Task                    [] - Freeing task resources for {taskname} ({attempt}).",
            ),
            (
                "unregistering_task",
                45,
                "INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Un-registering task and sending final execution state {=CANCELED|CANCELED|FAILED|FINISHED} to JobManager for task {taskname} {attempt}.",
            ),
            (
                "tasks_will_restart",
                14,
                "INFO  org.apache.flink.runtime.jobmaster.JobMaster                 [] - {=1|2|4|8} tasks will be restarted to recover the failed task {attempt}.",
            ),
            (
                "calculating_restart",
                14,
                "INFO  org.apache.flink.runtime.executiongraph.failover.RestartPipelinedRegionFailoverStrategy [] - Calculating tasks to restart to recover the failed task {hex32}_{=0|1|2|3}.",
            ),
            (
                "task_failure_warn",
                14,
                "WARN  org.apache.flink.runtime.taskmanager.Task                    [] - {taskname} ({attempt}) switched from RUNNING to FAILED with failure cause:",
            ),
            (
                "heartbeat_timeout",
                6,
                "INFO  org.apache.flink.runtime.jobmaster.JobMaster                 [] - The heartbeat of TaskManager with id {tmid} timed out.",
            ),
            (
                "registering_taskmanager",
                8,
                "INFO  org.apache.flink.runtime.resourcemanager.StandaloneResourceManager [] - Registering TaskManager with ResourceID {tmid} (pekko.tcp://flink@{tmip}:6122/user/rpc/taskmanager_0) at ResourceManager",
            ),
            (
                "resource_requirements",
                10,
                "INFO  org.apache.flink.runtime.resourcemanager.slotmanager.FineGrainedSlotManager [] - Received resource requirements from job {jobid}: [ResourceRequirement{{resourceProfile=ResourceProfile{{UNKNOWN}}, numberOfRequiredSlots={=1|2|4|8}}}]",
            ),
            (
                "job_submission",
                4,
                "INFO  org.apache.flink.runtime.dispatcher.StandaloneDispatcher     [] - Received JobGraph submission '{jobname}' ({jobid}).",
            ),
            (
                "submitting_job",
                4,
                "INFO  org.apache.flink.runtime.dispatcher.StandaloneDispatcher     [] - Submitting job '{jobname}' ({jobid}).",
            ),
            (
                "adding_splits",
                30,
                "INFO  org.apache.flink.connector.base.source.reader.SourceReaderBase [] - Adding split(s) to reader: [[Partition: {topic}-{=0|1|2|3|4|5}, StartingOffset: {=-2|-3|-1|1}{offset}, StoppingOffset: -9223372036854775808]]",
            ),
            (
                "state_backend_loaded",
                20,
                "INFO  org.apache.flink.runtime.state.StateBackendLoader            [] - State backend loader loads the state backend as {=EmbeddedRocksDBStateBackend|HashMapStateBackend}",
            ),
            (
                "free_slot",
                25,
                "INFO  org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl [] - Free slot TaskSlot(index:{=0|1|2|3}, state:ACTIVE, resource profile: ResourceProfile{{cpuCores=1, taskHeapMemory=384.000mb (402653174 bytes), taskOffHeapMemory=0 bytes, managedMemory=512.000mb (536870920 bytes), networkMemory=128.000mb (134217730 bytes)}}, allocationId: {hex32}, jobId: {jobid}).",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "chk": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}"),
            "epochms": ("17{=0|1|2|3}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}",),
            "jobid": (
                "{hex32}",
                "3c0c1d7e4b6f8a9e2d4c6b8a0f1e3d5c",
                "a9f1c2e04d7b6a5c3e8f0d1b2a4c6e8f",
            ),
            "jobname": (
                "orders-enrichment",
                "clickstream-sessionizer",
                "fraud-scoring-v3",
                "cdc-postgres-to-iceberg",
            ),
            "statebytes": (
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}{d}",
            ),
            "cms": ("{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "attempt": ("{hex32}_{hex32}_{=0|1|2|3}_{=0|0|1}",),
            "taskname": (
                "Source: Kafka Source (orders) -> Map -> Timestamps/Watermarks ({sub}",
                "KeyedProcess -> Sink: Writer -> Sink: Committer ({sub}",
                "Window(TumblingEventTimeWindows(60000), EventTimeTrigger, SessionAggregate, PassThroughWindowFunction) ({sub}",
                "Source: Kafka Source (clicks) -> Filter -> Map ({sub}",
                "IcebergStreamWriter ({sub}",
            ),
            "sub": ("{=1|2|3|4}/4)#{=0|0|0|1|2}",),
            "tmloc": ("{tmid} @ {tmip} (dataPort={=39331|41267|36157|44883})",),
            "tmid": ("flink-taskmanager-{=0|1|2|3}:6122-{hex6}", "{tmip}:6122-{hex6}"),
            "hex6": ("{hex2}{hex4}",),
            "tmip": ("10.244.{=1|2|3}.{nz}{d}",),
            "exec_transition": (
                "DEPLOYING to INITIALIZING",
                "INITIALIZING to RUNNING",
                "RUNNING to CANCELING",
                "CANCELING to CANCELED",
                "RUNNING to FAILED",
                "RUNNING to FINISHED",
            ),
            "task_transition": (
                "DEPLOYING to INITIALIZING",
                "INITIALIZING to RUNNING",
                "RUNNING to CANCELING",
                "CANCELING to CANCELED",
                "CREATED to DEPLOYING",
            ),
            "job_transition": (
                "CREATED to RUNNING",
                "RUNNING to RESTARTING",
                "RESTARTING to RUNNING",
                "RUNNING to FAILING",
                "FAILING to FAILED",
                "RUNNING to CANCELLING",
                "CANCELLING to CANCELED",
            ),
            "topic": ("orders", "clicks", "payments.events", "cdc.public.customers"),
            "offset": ("", "", "{nz}{d}{d}{d}{d}{d}"),
        },
    },
}
