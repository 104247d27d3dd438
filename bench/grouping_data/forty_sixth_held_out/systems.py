"""Held-out systems, forty-sixth set: written by a helper that did not read or run the miner,
asked on 2026-12-07 (session of 09:02 UTC); measured once on 12-07 09:58 (0.590 mean),
before anything was tuned on it (see ../README.md for what was after).

Plain data for ../generate.py: each system's families (event id, weight, layout) and the
values its fields take. See ../README.md.
"""

# ruff: noqa: E501

SYSTEMS = {
    # VerneMQ 1.13 MQTT broker, console.log written by lager: the line after the
    # "2026-12-07 09:14:03.117 " timestamp, i.e. "[severity] <pid>@module:function:line message".
    # Subscriber ids, usernames and reasons are printed with ~p (Erlang terms). Message texts
    # checked against vmq_mqtt_fsm, vmq_ranch, vmq_cluster_mon, vmq_cluster_node,
    # vmq_diversity_script_state and vmq_ranch_config; source line numbers are one fixed value
    # per call site (picked, not read from the 1.13 tag). A three-node cluster behind a load
    # balancer, vmq_diversity (PostgreSQL) and vmq_passwd for auth.
    "vernemq": {
        "lines": 2000,
        "families": (
            (
                "keepalive_expired",
                260,
                "[warning] {epid}@{=vmq_mqtt_fsm:connected:529|vmq_mqtt_fsm:connected:529|vmq_mqtt5_fsm:connected:858} client {sid} with username {uname_p} stopped due to keepalive expired",
            ),
            (
                "session_stopped_abnormally",
                230,
                "[warning] {epid}@vmq_ranch:teardown:131 session stopped abnormally due to '{abn_reason}'",
            ),
            (
                "auth_invalid_credentials",
                140,
                "[warning] {epid}@vmq_mqtt_fsm:check_user:600 can't authenticate client {sid} from {peer} due to invalid_credentials",
            ),
            (
                "auth_no_matching_hook",
                18,
                "[error] {epid}@vmq_mqtt_fsm:check_user:594 can't authenticate client {sid} from {peer} due to no_matching_hook_found",
            ),
            (
                "auth_other_error",
                35,
                "[warning] {epid}@vmq_mqtt_fsm:check_user:606 can't authenticate client {sid} from {peer} due to {auth_err}",
            ),
            (
                "register_failed",
                45,
                "[warning] {epid}@vmq_mqtt_fsm:check_user:572 can't register client {sid} with username {uname_p} due to {reg_err}",
            ),
            (
                "subscriber_dropped_messages",
                120,
                "[warning] {epid}@vmq_mqtt_fsm:connected:327 subscriber {sid} dropped {dropped} messages",
            ),
            (
                "auth_publish_failed",
                45,
                "[error] {epid}@vmq_mqtt_fsm:auth_on_publish:776 can't auth publish [{uname_p},{sid},{=0|1|1|2},{topic_words},{payload_bin},{=false|false|true}] due to {=chain_exhausted|chain_exhausted|not_allowed}",
            ),
            (
                "unexpected_frame",
                14,
                "[warning] {epid}@vmq_mqtt_fsm:connected:556 stopped connected session for client {sid}, due to unexpected frame type {frame}",
            ),
            (
                "invalid_client_id",
                7,
                '[warning] {epid}@vmq_mqtt_fsm:check_client_id:547 invalid client id <<"{long_cid}">>',
            ),
            (
                "empty_client_id_v3",
                4,
                "[warning] {epid}@vmq_mqtt_fsm:check_client_id:533 empty client id not allowed in mqttv3 {{[],undefined}}",
            ),
            (
                "invalid_protocol_version",
                5,
                "[warning] {epid}@vmq_mqtt_fsm:init:191 invalid protocol version for {{[],undefined}} {=5|131|132}",
            ),
            (
                "queue_unknown_sync_event",
                22,
                "[error] {epid}@vmq_queue:wait_for_offline:353 got unknown sync event in wait_for_offline state {{cleanup,session_taken_over}}",
            ),
            (
                "queue_unknown_event",
                16,
                "[error] {epid}@vmq_queue:wait_for_offline:341 got unknown event in wait_for_offline state {{change_state,{=active|notify},{epid}}}",
            ),
            (
                "queue_migration_no_node",
                9,
                "[warning] {spid}@vmq_reg_mgr:initiate_queue_migration:169 can't migrate the queue[{epid}] for subscriber {sid} due to no responsible remote node found",
            ),
            (
                "cluster_node_down",
                10,
                "[warning] <0.{=318|318|322}.0>@vmq_cluster_mon:handle_info:125 Cluster Node '{vnode}' DOWN",
            ),
            (
                "cluster_node_up",
                9,
                "[info] <0.{=318|318|322}.0>@vmq_cluster_mon:handle_info:129 Cluster Node '{vnode}' UP",
            ),
            (
                "cluster_connect_ok",
                9,
                "[info] {spid}@vmq_cluster_node:connect:280 successfully connected to cluster node '{vnode}'",
            ),
            (
                "cluster_connect_failed",
                40,
                "[warning] {spid}@vmq_cluster_node:connect:288 can't connect to cluster node '{vnode}' due to {conn_err}",
            ),
            (
                "cluster_send_failed",
                8,
                "[warning] {spid}@vmq_cluster_node:internal_flush:229 can't send {cl_bytes} bytes to '{vnode}' due to {send_err}, reconnect!",
            ),
            (
                "cluster_remove_supervision",
                3,
                "[warning] {spid}@vmq_cluster:check_ready:168 remove supervision for node '{vnode}'",
            ),
            (
                "diversity_call_failed",
                22,
                '[error] {spid}@vmq_diversity_script_state:handle_info:182 can\'t call function {lua_call} in "{lua_script}" due to {lua_err}',
            ),
            (
                "diversity_script_reloaded",
                3,
                '[info] {spid}@vmq_diversity_script_state:handle_call:127 successfully reloaded script "{lua_script}"',
            ),
            (
                "listener_reconfigure_failed",
                3,
                "[error] <0.{nz}{d}{d}.0>@vmq_ranch_config:reconfigure_listeners_for_type:186 can't reconfigure {listener_failure}",
            ),
            (
                "application_started",
                10,
                "[info] <0.{=7|9}.0> Application {app} started on node '{vnode}'",
            ),
            (
                "plugin_loading_modules",
                5,
                "[info] <0.{=80|82|85}.0>@vmq_plugin_mgr:load_app_modules:731 Loading modules: {plugin_modules}",
            ),
            (
                "reg_trie_loaded",
                2,
                "[info] <0.{nz}{d}{d}.0>@vmq_reg_trie:handle_info:187 {=0|12|348|1843|20511} subscribers loaded into vmq_reg_trie",
            ),
            (
                "alarm_memory_set",
                3,
                "[info] <0.{=131|137}.0> alarm_handler: {{set,{{system_memory_high_watermark,[]}}}}",
            ),
            (
                "alarm_memory_clear",
                2,
                "[info] <0.{=131|137}.0> alarm_handler: {{clear,system_memory_high_watermark}}",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "epid": (
                "<0.{nz}{d}{d}{d}.{nz}{d}>",
                "<0.{nz}{d}{d}{d}{d}.{nz}>",
                "<0.{nz}{d}{d}{d}.{nz}{d}{d}>",
                "<0.{nz}{d}{d}{d}{d}.{d}>",
                "<0.{nz}{d}{d}{d}.0>",
            ),
            "spid": ("<0.{nz}{d}{d}.0>", "<0.{nz}{d}{d}{d}.0>"),
            "sid": (
                '{{[],<<"{cid}">>}}',
                '{{[],<<"{cid}">>}}',
                '{{[],<<"{cid}">>}}',
                '{{"{mountpoint}",<<"{cid}">>}}',
            ),
            "mountpoint": ("tenant-a", "plant1", "fleet"),
            "cid": (
                "sensor-{d}{d}{d}{d}",
                "sensor-{d}{d}{d}{d}",
                "gw-{site}-{nz}{d}",
                "mqttjs_{hex8}",
                "paho{big}",
                "esp32-{hex4}{hex2}",
                "android-{hex16}",
                "truck-{nz}{d}{d}{d}",
                "nodered_{hex8}",
                "telegraf-{site}",
                "{uuid}",
            ),
            "long_cid": (
                "{uuid}-{uuid}",
                "android-{hex16}-{hex32}-{hex32}",
                "very-long-client-identifier-{hex32}{hex32}",
            ),
            "site": ("ber", "muc", "ham", "fra", "vie", "zrh"),
            "uname_p": (
                '<<"{user}">>',
                '<<"{user}">>',
                '<<"{user}">>',
                "undefined",
            ),
            "user": (
                "sensor",
                "gateway",
                "nodered",
                "telemetry",
                "fleet-svc",
                "admin",
                "device-{d}{d}{d}{d}",
                "truck-{nz}{d}{d}{d}",
            ),
            "peer": ("{ip}:{eport}", "{ip}:{eport}", "{ip}:{eport}", "[{v6}]:{eport}"),
            "v6": ("2001:db8:{hex4}::{hex2}", "fd00:42::{hex4}"),
            "eport": ("{=32|34|37|40|43|46|49|51|54|57|60}{d}{d}{d}",),
            "abn_reason": (
                "etimedout",
                "etimedout",
                "econnreset",
                "econnreset",
                "ehostunreach",
                "closed",
                "einval",
                "{{send_failed,{{error,closed}}}}",
                "{{error,{{queue_down,{epid},killed}}}}",
                "{{error,unexpected_message,{{error,no_topic_provided}}}}",
                '{{tls_alert,{{unknown_ca,"TLS server: In state certify received CLIENT ALERT: Fatal - Unknown CA\\n"}}}}',
            ),
            "auth_err": (
                "chain_exhausted",
                "lua_script_returned_false",
                "timeout",
                "not_allowed",
            ),
            "reg_err": ("not_ready", "not_ready", "not_ready", "timeout", "{{error,timeout}}"),
            "dropped": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "topic_words": (
                '[<<"factory">>,<<"line{nz}">>,<<"{metric}">>]',
                '[<<"fleet">>,<<"truck-{nz}{d}{d}{d}">>,<<"{=gps|can|status}">>]',
                '[<<"devices">>,<<"{cid}">>,<<"{=telemetry|state|cmd}">>]',
                '[<<"$share">>,<<"workers">>,<<"jobs">>]',
            ),
            "metric": ("temp", "pressure", "rpm", "state", "vibration", "power"),
            "payload_bin": (
                '<<"{nz}{d}.{d}">>',
                '<<"{=ON|OFF|OK|FAULT}">>',
                '<<"{{\\"v\\":{nz}{d}.{d}{d}}}">>',
                "<<>>",
            ),
            "frame": (
                "{{error,no_topic_provided}}",
                "{{error,no_topic_provided}}",
                "{{mqtt_unsuback,{nz}{d}{d}}}",
            ),
            "vnode": (
                "VerneMQ@10.42.1.{=11|12|13}",
                "VerneMQ@10.42.1.{=11|12|13}",
                "VerneMQ@vernemq-{=0|1|2}.vernemq-headless.mqtt.svc.cluster.local",
            ),
            "conn_err": (
                "econnrefused",
                "econnrefused",
                "ehostunreach",
                "timeout",
                "etimedout",
                "nxdomain",
            ),
            "send_err": ("closed", "timeout", "enotconn", "epipe"),
            "cl_bytes": ("{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}", "{nz}{d}{d}{d}{d}{d}"),
            "lua_call": (
                'auth_on_register with args [{{addr,<<"{ip}">>}},{{port,{eport}}},{{mountpoint,<<>>}},{{client_id,<<"{cid}">>}},{{username,<<"{user}">>}},{{clean_session,{=true|false}}}]',
                'auth_on_register with args [{{addr,<<"{ip}">>}},{{port,{eport}}},{{mountpoint,<<>>}},{{client_id,<<"{cid}">>}},{{username,<<"{user}">>}},{{clean_session,{=true|false}}}]',
                'auth_on_publish with args [{{username,<<"{user}">>}},{{mountpoint,<<>>}},{{client_id,<<"{cid}">>}},{{topic,<<"factory/line{nz}/{metric}">>}},{{qos,{=0|1}}},{{retain,false}}]',
                'auth_on_subscribe with args [{{username,<<"{user}">>}},{{mountpoint,<<>>}},{{client_id,<<"{cid}">>}},{{topics,[[<<"factory/line{nz}/#">>,1]]}}]',
            ),
            "lua_script": (
                "/usr/share/vernemq/lua/auth/postgres.lua",
                "/usr/share/vernemq/lua/auth/postgres.lua",
                "/etc/vernemq/lua/acl_cache.lua",
            ),
            "lua_err": (
                "{{badmatch,{{error,closed}}}}",
                "{{badmatch,{{error,econnrefused}}}}",
                "{{error,timeout}}",
                "{{exit,{{timeout,{{gen_server,call,[{spid},checkout,5000]}}}}}}",
            ),
            "listener_failure": (
                'mqtt listener("0.0.0.0", 1883) with Options [{{max_connections,{=10000|50000}}},{{nr_of_acceptors,{=10|30}}},{{mountpoint,[]}}] due to {{shutdown,{{failed_to_start_child,ranch_acceptors_sup,{{listen_error,{{{{0,0,0,0}},1883}},eaddrinuse}}}}}}',
                'mqtts listener("0.0.0.0", 8883) with Options [{{max_connections,{=10000|50000}}},{{nr_of_acceptors,{=10|30}}},{{mountpoint,[]}},{{certfile,"/etc/vernemq/tls/server.crt"}}] due to {{shutdown,{{failed_to_start_child,ranch_acceptors_sup,{{listen_error,{{{{0,0,0,0}},8883}},eaddrinuse}}}}}}',
                'mqttws listener("10.42.1.11", 8080) with Options [{{max_connections,infinity}},{{nr_of_acceptors,10}},{{mountpoint,[]}}] due to {{shutdown,{{failed_to_start_child,ranch_acceptors_sup,{{listen_error,{{{{10,42,1,11}},8080}},eaddrnotavail}}}}}}',
            ),
            "app": (
                "vmq_server",
                "vmq_passwd",
                "vmq_acl",
                "vmq_diversity",
                "vmq_plugin",
                "vmq_swc",
                "cowboy",
                "ranch",
                "epgsql",
            ),
            "plugin_modules": (
                "[vmq_passwd,vmq_passwd_app,vmq_passwd_cli,vmq_passwd_reloader,vmq_passwd_sup]",
                "[vmq_acl,vmq_acl_app,vmq_acl_cli,vmq_acl_reloader,vmq_acl_sup]",
                "[vmq_diversity,vmq_diversity_app,vmq_diversity_cli,vmq_diversity_plugin,vmq_diversity_postgres,vmq_diversity_script,vmq_diversity_sup]",
            ),
        },
    },
    # Libreswan 4.x (around 4.4) IKE daemon: the text after the syslog prefix "pluto[1234]: ".
    # Site-to-site tunnels plus a road-warrior IKEv2 pool ("ikev2-cp"[n] <peer ip>), some
    # IKEv1 peers still around. The peer-ID, authentication, negotiated-connection and
    # IPsec-SA-established texts are from memory of 4.x test output; the certificate
    # verification lines follow nss_cert_verify.c.
    "libreswan_pluto": {
        "lines": 2000,
        "families": (
            (
                "initiating_ikev2",
                75,
                "{cpfx} #{sn}: initiating IKEv2 connection",
            ),
            (
                "sent_ike_sa_init",
                70,
                "{cpfx} #{sn}: sent IKE_SA_INIT request",
            ),
            (
                "sent_ike_auth",
                65,
                "{cpfx} #{sn}: sent IKE_AUTH request {{auth=IKEv2 {ike_algs}}}",
            ),
            (
                "peer_id",
                85,
                "{cpfx} #{sn}: IKEv2 mode peer ID is {peer_id_typed}",
            ),
            (
                "authenticated",
                80,
                "{cpfx} #{sn}: authenticated using {auth_method}",
            ),
            (
                "negotiated_connection",
                95,
                "{cpfx} #{sn}: negotiated connection [{net}:0-65535 0] -> [{net}:0-65535 0]",
            ),
            (
                "ipsec_sa_established",
                100,
                "{cpfx} #{sn}: IPsec SA established tunnel mode {{{esp_spis} xfrm={xfrm} NATOA=none NATD={natd} DPD={=active|passive|passive}}}",
            ),
            (
                "esp_traffic",
                60,
                "{cpfx} #{sn}: ESP traffic information: in={traffic} out={traffic}",
            ),
            (
                "deleting_ike_sending",
                45,
                "{cpfx} #{sn}: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged {age}s and sending notification",
            ),
            (
                "deleting_ike_not_sending",
                12,
                "{cpfx} #{sn}: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged {age}s and NOT sending notification",
            ),
            (
                "deleting_other_child",
                40,
                "{cpfx} #{sn}: deleting other state #{sn} (STATE_V2_ESTABLISHED_CHILD_SA) aged {age}s and sending notification",
            ),
            (
                "retransmission",
                55,
                "{cpfx} #{sn}: STATE_V2_PARENT_I1: retransmission; will wait {=0.5|1|2|4|8|16|32} seconds for response",
            ),
            (
                "first_message_timeout",
                12,
                "{cpfx} #{sn}: STATE_V2_PARENT_I1: 60 second timeout exceeded after 7 retransmits.  No response (or no acceptable response) to our first IKEv2 message",
            ),
            (
                "liveness_timeout",
                14,
                "{cpfx} #{sn}: STATE_V2_ESTABLISHED_IKE_SA: {=10|15|30} second timeout exceeded after {=4|5|7} retransmits.  No response (or no acceptable response) to our IKEv2 message",
            ),
            (
                "liveness_restart",
                12,
                "{cpfx} #{sn}: liveness action - restarting all connections that share this peer",
            ),
            (
                "liveness_hold",
                4,
                "{cpfx} #{sn}: liveness action - putting connection into hold",
            ),
            (
                "ikev1_dpd_dead",
                7,
                "{cpfx} #{sn}: DPD: No response from peer - declaring peer dead",
            ),
            (
                "no_suitable_connection",
                12,
                "{cpfx} #{sn}: no suitable connection for peer '{peer_id}'",
            ),
            (
                "peer_id_mismatch",
                10,
                "{cpfx} #{sn}: Peer ID '{peer_id}' mismatched on first found connection and no better connection found",
            ),
            (
                "main_mode_no_connection",
                14,
                "packet from {pip}:{=500|4500}: initial Main Mode message received on {local_ip}:500 but no connection has been authorized with policy {=PSK+IKEV1_ALLOW|RSASIG+IKEV1_ALLOW}",
            ),
            (
                "unknown_sa_informational",
                9,
                "packet from {pip}:{=500|4500}: Informational Exchange is for an unknown (expired?) SA with MSGID:0x{hex8}",
            ),
            (
                "ignoring_informational",
                14,
                "{cpfx} #{sn}: ignoring informational payload {notify}, msgid=00000000, length={=12|16|28|36}",
            ),
            (
                "received_delete_isakmp",
                10,
                "{cpfx} #{sn}: received Delete SA payload: deleting ISAKMP State #{sn}",
            ),
            (
                "dropping_unexpected_init",
                6,
                "{cpfx} #{sn}: dropping unexpected IKE_SA_INIT message containing NO_PROPOSAL_CHOSEN notification; message payloads: N; missing payloads: SA,KE,Ni",
            ),
            (
                "cert_failed_verification",
                8,
                "{cpfx} #{sn}: certificate {cert_dn} failed IPsec verification",
            ),
            (
                "nss_error",
                8,
                "{cpfx} #{sn}: NSS ERROR: {nss_err}",
            ),
            (
                "added_connection",
                14,
                'added {=IKEv2|IKEv2|IKEv2|IKEv1} connection "{conn}"',
            ),
            (
                "adding_udp_interface",
                8,
                "adding UDP interface {iface} {local_ip}:{=500|4500}",
            ),
            (
                "listening",
                3,
                "listening for IKE messages",
            ),
            (
                "loading_secrets",
                3,
                'loading secrets from "{secrets_file}"',
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "cpfx": (
                '"{conn}"',
                '"{conn}"',
                '"{conn}"',
                '"{rwconn}"[{nz}{d}] {pip}',
                '"{rwconn}"[{nz}] {pip}',
            ),
            "conn": (
                "dc2-tun{=1|2}",
                "hq-to-branch{nz}{d}",
                "azure-s2s",
                "aws-vpn-{hex8}-{=0|1}",
                "mgmt-net",
                "site-b-{=lan|voip|cctv}",
                "partner-{=acme|globex|initech}",
            ),
            "rwconn": ("ikev2-cp", "ikev2-cp", "roadwarriors", "xauth-psk"),
            "sn": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}"),
            "ike_algs": (
                "cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 group=DH19",
                "cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_256 group=MODP2048",
                "cipher=AES_CBC_256 integ=HMAC_SHA2_256_128 prf=HMAC_SHA2_256 group=MODP2048",
                "cipher=CHACHA20_POLY1305 integ=n/a prf=HMAC_SHA2_512 group=DH31",
            ),
            "peer_id": (
                "@{fqdn}",
                "@{fqdn}",
                "{pip}",
                "CN={fqdn}, O=Example Corp, C=DE",
                "CN=vpnclient{nz}{d}{d}",
            ),
            "peer_id_typed": (
                "ID_FQDN: '@{fqdn}'",
                "ID_FQDN: '@{fqdn}'",
                "ID_IPV4_ADDR: '{pip}'",
                "ID_DER_ASN1_DN: 'CN={fqdn}, O=Example Corp, C=DE'",
                "ID_DER_ASN1_DN: 'CN=vpnclient{nz}{d}{d}'",
            ),
            "fqdn": (
                "vpn.dc2.example.net",
                "gw{nz}.branch.example.net",
                "fw-{=ber|muc|vie}.example.org",
                "vpn.partner-{=acme|globex}.com",
            ),
            "auth_method": (
                "authby=secret",
                "authby=secret",
                "RSA with SHA2_512",
                "RSA with SHA2_256",
                "ECDSA with SHA2_384",
            ),
            "net": (
                "10.10.0.0-10.10.255.255",
                "10.20.{=1|2|3|4}.0-10.20.{=1|2|3|4}.255",
                "10.44.8.0-10.44.15.255",
                "172.16.0.0-172.16.3.255",
                "172.20.16.0-172.20.16.255",
                "192.168.1.0-192.168.1.255",
                "192.168.10.0-192.168.10.255",
                "192.168.43.{=10|11|12|14|17|23}-192.168.43.{=10|11|12|14|17|23}",
                "0.0.0.0-255.255.255.255",
            ),
            "oct": ("{d}", "{nz}{d}", "1{d}{d}", "2{=0|1|2|3|4}{d}"),
            "esp_spis": (
                "ESP=>0x{hex8} <0x{hex8}",
                "ESP=>0x{hex8} <0x{hex8}",
                "ESP/NAT=>0x{hex8} <0x{hex8}",
            ),
            "xfrm": (
                "AES_GCM_16_256-NONE",
                "AES_GCM_16_256-NONE",
                "AES_CBC_256-HMAC_SHA2_256_128",
                "AES_CBC_128-HMAC_SHA1_96",
                "CHACHA20_POLY1305-NONE",
            ),
            "natd": ("none", "none", "{pip}:4500"),
            "pip": (
                "198.51.100.{hostoct}",
                "203.0.113.{hostoct}",
                "{=37|46|62|81|85|91|93|109|176|185|188|212|217}.{oct}.{oct}.{hostoct}",
            ),
            "hostoct": ("{nz}", "{nz}{d}", "1{d}{d}", "2{=0|1|2|3|4}{nz}"),
            "traffic": (
                "0B",
                "{nz}{d}B",
                "{nz}{d}{d}B",
                "{nz}KB",
                "{nz}{d}KB",
                "{nz}{d}{d}KB",
                "{nz}MB",
                "{nz}{d}MB",
                "{nz}GB",
            ),
            "age": (
                "{d}.{d}{d}{d}",
                "{nz}{d}.{d}{d}{d}",
                "{nz}{d}{d}{d}.{d}{d}{d}",
                "{=3600|14400|28800}.{d}{d}{d}",
                "{nz}{d}{d}{d}{d}.{d}{d}{d}",
            ),
            "notify": (
                "INVALID_ID_INFORMATION",
                "NO_PROPOSAL_CHOSEN",
                "INVALID_HASH_INFORMATION",
                "PAYLOAD_MALFORMED",
            ),
            "cert_dn": (
                "CN={fqdn},O=Example Corp,C=DE",
                "CN=vpnclient{nz}{d}{d}",
                "E=noc@example.net,CN={fqdn},OU=Network,O=Example Corp,L=Berlin,C=DE",
            ),
            "nss_err": (
                "SEC_ERROR_EXPIRED_CERTIFICATE: Peer's Certificate has expired.",
                "SEC_ERROR_UNKNOWN_ISSUER: Peer's Certificate issuer is not recognized.",
                "SEC_ERROR_REVOKED_CERTIFICATE: Peer's Certificate has been revoked.",
                "SEC_ERROR_INADEQUATE_KEY_USAGE: Certificate key usage inadequate for attempted operation.",
            ),
            "local_ip": ("198.51.100.{=2|10|34}", "10.0.0.1", "192.168.{=0|1|10}.1", "127.0.0.1"),
            "iface": ("eth0", "eth1", "ens192", "enp1s0", "lo"),
            "secrets_file": (
                "/etc/ipsec.secrets",
                "/etc/ipsec.d/{conn}.secrets",
                "/etc/ipsec.d/ikev2.secrets",
            ),
        },
    },
    # Eclipse Jetty 11.0.18 standalone server, default jetty-slf4j-impl output to stderr
    # ("2026-12-07 09:14:03.117:LEVEL:logger:thread: message") with the leading timestamp cut,
    # so a line starts with the level padded to five characters ("INFO :", "WARN :").
    # Loggers are abbreviated the Jetty way (oejs = org.eclipse.jetty.server, oejshC.api =
    # ...handler.ContextHandler.api). Three webapps (api, ROOT, admin) on 8080 and 8443.
    "jetty_server": {
        "lines": 2000,
        "families": (
            (
                "handle_eof",
                230,
                "WARN :oejs.HttpChannel:{qtp}: handleException {uri} org.eclipse.jetty.io.EofException",
            ),
            (
                "handle_broken_pipe",
                110,
                "WARN :oejs.HttpChannel:{qtp}: handleException {uri} org.eclipse.jetty.io.EofException: java.io.IOException: Broken pipe",
            ),
            (
                "handle_connection_reset",
                70,
                "WARN :oejs.HttpChannel:{qtp}: handleException {uri} org.eclipse.jetty.io.EofException: java.io.IOException: Connection reset by peer",
            ),
            (
                "handle_idle_timeout",
                150,
                "WARN :oejs.HttpChannel:{qtp}: handleException {uri} java.util.concurrent.TimeoutException: Idle timeout expired: {=30000/30000|30000/30000|60000/60000} ms",
            ),
            (
                "handle_bad_form",
                45,
                "WARN :oejs.HttpChannel:{qtp}: handleException {uri} org.eclipse.jetty.http.BadMessageException: 400: Unable to parse form content",
            ),
            (
                "handle_invalid_sni",
                18,
                "WARN :oejs.HttpChannel:{qtp}: handleException {uri} org.eclipse.jetty.http.BadMessageException: 400: Invalid SNI",
            ),
            (
                "unhandled_exception_uri",
                70,
                "WARN :oejs.HttpChannel:{qtp}: {uri}",
            ),
            (
                "server_version",
                3,
                "INFO :oejs.Server:main: jetty-11.0.18; built: 2023-10-27T02:14:36.036Z; git: 5a9a771a9fbcb9d36993630850f612581b78c13f; jvm {jvm}",
            ),
            (
                "server_started",
                3,
                "INFO :oejs.Server:main: Started Server@{jhash}{{STARTING}}[11.0.18,sto=0] @{=1873|2211|2468|3904}ms",
            ),
            (
                "server_stopped",
                2,
                "INFO :oejs.Server:JettyShutdownThread: Stopped Server@{jhash}{{STOPPING}}[11.0.18,sto=5000]",
            ),
            (
                "connector_started",
                6,
                "INFO :oejs.AbstractConnector:main: Started ServerConnector@{jhash}{connector}",
            ),
            (
                "connector_stopped",
                4,
                "INFO :oejs.AbstractConnector:JettyShutdownThread: Stopped ServerConnector@{jhash}{connector}",
            ),
            (
                "context_started",
                9,
                "INFO :oejsh.ContextHandler:main: Started o.e.j.w.WebAppContext@{jhash}{{{ctx_available}}}",
            ),
            (
                "context_stopped",
                6,
                "INFO :oejsh.ContextHandler:JettyShutdownThread: Stopped o.e.j.w.WebAppContext@{jhash}{{{ctx_stopped}}}",
            ),
            (
                "context_failed",
                3,
                "WARN :oejw.WebAppContext:main: Failed startup of context o.e.j.w.WebAppContext@{jhash}{{legacy,/legacy,file:///tmp/jetty-0_0_0_0-8080-legacy_war-_legacy-any-{tmpn}/webapp/,UNAVAILABLE}}{{/var/lib/jetty/webapps/legacy.war}}",
            ),
            (
                "no_jsp_support",
                5,
                "INFO :oejw.StandardDescriptorProcessor:main: NO JSP Support for {ctx_path}, did not find org.eclipse.jetty.jsp.JettyJspServlet",
            ),
            (
                "spring_root_context",
                5,
                "INFO :oejshC.{ctx_name}:main: Initializing Spring root WebApplicationContext",
            ),
            (
                "spring_dispatcher",
                8,
                "INFO :oejshC.{ctx_name}:{thread}: Initializing Spring DispatcherServlet '{=dispatcher|dispatcherServlet}'",
            ),
            (
                "session_worker_name",
                3,
                "INFO :oejss.DefaultSessionIdManager:main: Session workerName={=node0|node0|node1}",
            ),
            (
                "housekeeper_scavenging",
                3,
                "INFO :oejss.HouseKeeper:main: {=node0|node0|node1} Scavenging every {=600000|660000}ms",
            ),
            (
                "housekeeper_stopped",
                2,
                "INFO :oejss.HouseKeeper:JettyShutdownThread: {=node0|node0|node1} Stopped scavenging",
            ),
            (
                "deployment_monitor",
                3,
                "INFO :oejdp.ScanningAppProvider:main: Deployment monitor [file:///var/lib/jetty/webapps/]",
            ),
            (
                "ssl_x509",
                3,
                "INFO :oejus.SslContextFactory:main: x509=X509@{jhash}({=jetty|api-example-com},h=[{=api.example.com|shop.example.com}],a=[],w=[]) for Server@{jhash}[provider=null,keyStore=file:///var/lib/jetty/etc/keystore.p12,trustStore=null]",
            ),
            (
                "request_log_opened",
                3,
                "INFO :oejs.RequestLogWriter:main: Opened /var/lib/jetty/logs/2026_12_{=05|06|07}.request.log",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "hx": ("1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"),
            "jhash": ("{hx}{hex7}", "{hx}{hex7}", "{hx}{hex4}{hex2}"),
            "qtp": ("qtp{qtp_id}-{=1|2}{d}", "qtp{qtp_id}-{nz}{d}{d}", "qtp{qtp_id}-{nz}{d}"),
            "qtp_id": ("1406718218", "2093631819", "1778535015"),
            "thread": ("main", "qtp{qtp_id}-{nz}{d}"),
            "uri": (
                "/api/v1/orders",
                "/api/v1/orders/{nz}{d}{d}{d}{d}",
                "/api/v1/orders/{nz}{d}{d}{d}{d}/items",
                "/api/v1/customers/{uuid}",
                "/api/v1/reports/export",
                "/api/v1/stream/events",
                "/api/v2/search",
                "/api/health",
                "/",
                "/index.html",
                "/static/js/main.{hex8}.js",
                "/static/css/app.{hex8}.css",
                "/login",
                "/admin/upload",
                "/admin/metrics",
                "/ws/notifications",
            ),
            "jvm": ("17.0.9+9-Ubuntu-122.04", "17.0.8.1+1", "11.0.21+9-post-Ubuntu-0ubuntu122.04"),
            "connector": (
                "{{HTTP/1.1, (http/1.1)}}{{0.0.0.0:8080}}",
                "{{SSL, (ssl, alpn, h2, http/1.1)}}{{0.0.0.0:8443}}",
                "{{HTTP/1.1, (http/1.1, h2c)}}{{127.0.0.1:8081}}",
            ),
            "ctx_available": (
                "api,/api,file:///tmp/jetty-0_0_0_0-8080-api_war-_api-any-{tmpn}/webapp/,AVAILABLE}}{{/var/lib/jetty/webapps/api.war",
                "ROOT,/,file:///var/lib/jetty/webapps/ROOT/,AVAILABLE}}{{/var/lib/jetty/webapps/ROOT",
                "admin,/admin,file:///tmp/jetty-0_0_0_0-8080-admin_war-_admin-any-{tmpn}/webapp/,AVAILABLE}}{{/var/lib/jetty/webapps/admin.war",
            ),
            "ctx_stopped": (
                "api,/api,null,STOPPED}}{{/var/lib/jetty/webapps/api.war",
                "ROOT,/,null,STOPPED}}{{/var/lib/jetty/webapps/ROOT",
                "admin,/admin,null,STOPPED}}{{/var/lib/jetty/webapps/admin.war",
            ),
            "tmpn": (
                "{nz}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}",
            ),
            "ctx_path": ("/api", "/", "/admin"),
            "ctx_name": ("api", "ROOT", "admin"),
        },
    },
    # Yaskawa Motoman YRC1000 controller, alarm and event history saved as text from the
    # pendant (one entry a line, date and time removed): alarms as "ALM <code> <class>
    # <name> [<subcode>] <data>" with the job and line running when it occurred, events
    # (servo power, job start/hold, mode changes, e-stop) as "EVT ...". The line layout and
    # several alarm numbers and names are reconstructed from memory of the YRC1000 alarm
    # manual and pendant screens, not checked against a real export: 4315 COLLISION
    # DETECT, 4107 OUT OF RANGE(ABSO DATA), 4100 OVERRUN(ROBOT), 1325 are the ones I am
    # surest of; 4416, 4421 and 4327 texts are guesses in the same style. User alarms
    # (8001-8xxx) carry the cell's own texts. Arc-welding and handling robots (R1 only).
    "yaskawa_motoman": {
        "lines": 2000,
        "families": (
            (
                "alm_collision_detect",
                90,
                "ALM 4315 MINOR COLLISION DETECT [{=1|1|2}] R1:{axis} JOB:{job} LINE:{line} MODE:{=PLAY|PLAY|PLAY|TEACH}",
            ),
            (
                "alm_out_of_range_abso",
                12,
                "ALM 4107 MINOR OUT OF RANGE(ABSO DATA) [{axis_no}] R1:{axis} JOB:{job} LINE:{line} MODE:{=PLAY|TEACH}",
            ),
            (
                "alm_overrun_robot",
                25,
                "ALM 4100 MINOR OVERRUN(ROBOT) [{=1|1|2}] R1 JOB:{job} LINE:{line} MODE:{=PLAY|TEACH}",
            ),
            (
                "alm_shock_sensor",
                40,
                "ALM 4110 MINOR SHOCK SENSOR ACTION [1] R1 JOB:{weld_job} LINE:{line} MODE:PLAY",
            ),
            (
                "alm_encoder_battery",
                10,
                "ALM 4312 MINOR ENCODER BATTERY ERROR [{axis_no}] R1:{axis} JOB:{job} LINE:{line} MODE:{=PLAY|TEACH}",
            ),
            (
                "alm_encoder_backup",
                4,
                "ALM 4311 MINOR ENCODER BACK-UP ERROR [{axis_no}] R1:{axis} JOB:{job} LINE:0000 MODE:TEACH",
            ),
            (
                "alm_pulse_limit",
                18,
                "ALM 4416 MINOR PULSE LIMIT [{=+|-}] R1:{axis} JOB:{job} LINE:{line} MODE:{=TEACH|TEACH|PLAY}",
            ),
            (
                "alm_cube_interference",
                12,
                "ALM 4421 MINOR CUBE INTERFERENCE [{cube}] R1 JOB:{job} LINE:{line} MODE:{=PLAY|TEACH}",
            ),
            (
                "alm_speed_limit",
                9,
                "ALM 4327 MINOR SPEED LIMIT ERROR [{=1|2}] R1:{axis} JOB:{job} LINE:{line} MODE:{=TEACH|PLAY}",
            ),
            (
                "alm_24v_io_failure",
                5,
                "ALM 4109 MINOR DC 24V POWER SUPPLY FAILURE(I/O) [{=1|2}] JOB:{job} LINE:{line} MODE:PLAY",
            ),
            (
                "alm_external_comm_error",
                6,
                "ALM 1325 MAJOR COMMUNICATION ERROR(EXTERNAL DOMAIN) [{=1|2|3}] JOB:{job} LINE:{line} MODE:{=PLAY|REMOTE}",
            ),
            (
                "alm_cpu_comm_error",
                2,
                "ALM 0020 MAJOR CPU COMMUNICATION ERROR [{=1|2|4}] JOB:{job} LINE:{line} MODE:{=PLAY|TEACH}",
            ),
            (
                "user_alm_gripper",
                30,
                "ALM 8{=001|002} USER GRIPPER {=1|2} CLOSE TIMEOUT JOB:{handling_job} LINE:{line} MODE:PLAY",
            ),
            (
                "user_alm_part_missing",
                22,
                "ALM 8010 USER PART NOT PRESENT AT STATION {=1|2|3|4} JOB:{handling_job} LINE:{line} MODE:PLAY",
            ),
            (
                "user_alm_clamp",
                14,
                "ALM 8021 USER FIXTURE CLAMP {=A|B} NOT CLOSED JOB:{weld_job} LINE:{line} MODE:PLAY",
            ),
            (
                "evt_servo_on",
                150,
                "EVT SERVO ON MODE:{mode}",
            ),
            (
                "evt_servo_off",
                80,
                "EVT SERVO OFF MODE:{mode}",
            ),
            (
                "evt_emergency_stop",
                45,
                "EVT EMERGENCY STOP({estop_src}) JOB:{job} LINE:{line}",
            ),
            (
                "evt_job_start",
                230,
                "EVT START JOB:{job} LINE:{line} STEP:{step} CYCLE:{=AUTO|AUTO|AUTO|1CYCLE|STEP}",
            ),
            (
                "evt_hold",
                110,
                "EVT HOLD({hold_src}) JOB:{job} LINE:{line} STEP:{step}",
            ),
            (
                "evt_cycle_end",
                200,
                "EVT CYCLE END JOB:{job} CYCLE TIME:{cycle_time}s COUNT:{count}",
            ),
            (
                "evt_mode_change",
                60,
                "EVT MODE CHANGE {mode_change}",
            ),
            (
                "evt_remote_on",
                18,
                "EVT REMOTE ON",
            ),
            (
                "evt_remote_off",
                14,
                "EVT REMOTE OFF",
            ),
            (
                "evt_job_select",
                40,
                "EVT JOB SELECT JOB:{job}",
            ),
            (
                "evt_alarm_reset",
                110,
                "EVT ALARM RESET CODE:{reset_code}",
            ),
            (
                "evt_speed_override",
                25,
                "EVT SPEED OVERRIDE {=10|25|50|80|100|100|100}%",
            ),
            (
                "evt_position_modify",
                35,
                "EVT POSITION MODIFY JOB:{job} LINE:{line} STEP:{step}",
            ),
            (
                "evt_security_change",
                12,
                "EVT SECURITY CHANGE {=OPERATION|EDITING|EDITING|MANAGEMENT|SAFETY} MODE",
            ),
            (
                "evt_control_power_on",
                5,
                "EVT CONTROL POWER ON",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "axis": ("S", "S", "L", "L", "U", "U", "R", "B", "B", "T", "S L", "U B"),
            "axis_no": ("1", "2", "3", "4", "5", "6"),
            "job": (
                "{weld_job}",
                "{handling_job}",
                "{handling_job}",
                "MASTER",
                "HOME_POS",
                "TOOLCHG{=1|2}",
            ),
            "weld_job": (
                "WELD_FRAME{=1|2|3}",
                "WELD_BRKT_{=A|B}{d}{d}",
                "TORCH_CLEAN",
                "SEAM_L{nz}",
            ),
            "handling_job": (
                "PICK_{=A|B|C}{=01|02|03|04}",
                "PLACE_CNC{=1|2}",
                "PAL_LAYER{nz}",
                "DEPAL_{=L|R}",
                "DEBURR_{=01|02|03}",
            ),
            "line": ("00{d}{d}", "00{d}{d}", "0{nz}{d}{d}"),
            "step": ("0{d}{d}", "0{d}{d}", "{nz}{d}{d}"),
            "cube": ("{nz}", "{=1|2|3}{d}"),
            "mode": ("TEACH", "PLAY", "PLAY", "REMOTE"),
            "mode_change": (
                "TEACH->PLAY",
                "TEACH->PLAY",
                "PLAY->TEACH",
                "PLAY->TEACH",
                "PLAY->REMOTE",
                "REMOTE->PLAY",
                "REMOTE->TEACH",
            ),
            "estop_src": (
                "P.PENDANT",
                "P.PENDANT",
                "PANEL",
                "EXTERNAL",
                "EXTERNAL",
                "SAFETY FENCE",
            ),
            "hold_src": ("P.PENDANT", "EXTERNAL", "EXTERNAL", "REMOTE"),
            "cycle_time": ("{nz}{d}.{d}", "{nz}.{d}", "1{d}{d}.{d}"),
            "count": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "reset_code": (
                "4315",
                "4315",
                "4315",
                "4110",
                "4110",
                "4100",
                "4416",
                "4421",
                "4312",
                "4107",
                "8001",
                "8002",
                "8010",
                "8021",
            ),
        },
    },
    # gpsd 3.25 daemon run with -n -D 7 (so CLIENT, PROG, IO and SPIN lines show), as it
    # logs to syslog: the text after "gpsd[4711]: ", which gpsd itself starts with
    # "gpsd:LEVEL: ". A u-blox receiver on /dev/ttyACM0 with kernel PPS on /dev/pps0 feeding
    # chrony through the SHM segments, a second NMEA receiver on a USB serial adapter that
    # is sometimes unplugged, and local clients (gpspipe, chrony, a map app) polling.
    # Message texts checked against gpsd.c, serial.c, libgpsd_core.c, ppsthread.c and
    # timehint.c; "SHM: ... NTP NTP activated" is what that format ("%.4s%.4s") prints.
    "gpsd": {
        "lines": 2000,
        "families": (
            (
                "client_connect",
                95,
                "gpsd:SPIN: client {client_ip} ({sub}) connect on fd {cfd}",
            ),
            (
                "client_detaching",
                90,
                "gpsd:INFO: detaching {client_ip} (sub {sub}, fd {cfd}) in detach_client",
            ),
            (
                "client_command",
                75,
                "gpsd:CLIENT: <= client({sub}): {gpsd_cmd}",
            ),
            (
                "client_eof_read",
                60,
                "gpsd:CLIENT: <= client({sub}): eof read",
            ),
            (
                "checking_client",
                70,
                "gpsd:PROG: checking client({sub})",
            ),
            (
                "client_timed_out",
                6,
                "gpsd:WARN: client({sub}) timed out on command wait.",
            ),
            (
                "kpps_assert_fetch",
                170,
                "gpsd:PROG: KPPS:{pps_dev} assert {pps_ts}, sequence: {pps_seq}, clear  0.000000000, sequence: 0 - using: assert",
            ),
            (
                "kpps_cycle",
                170,
                "gpsd:PROG: KPPS:{pps_dev} Assert cycle: {cycle}, duration: 0 @ {pps_ts}",
            ),
            (
                "pps_cycle",
                160,
                "gpsd:PROG: PPS:{pps_dev} Assert cycle: {cycle}, duration: 0 @ {pps_ts}",
            ),
            (
                "ntpshm_put",
                160,
                "gpsd:PROG: NTP:SHM: ntpshm_put(NTP{=0|1|2|3}, {=-20|-20|-10|-1|-2}) {dev}, {sec_ts} @ {pps_ts}",
            ),
            (
                "kpps_timeout",
                14,
                "gpsd:INFO: KPPS:{pps_dev} kernel PPS timeout Connection timed out(110)",
            ),
            (
                "multipoll_unchanged",
                25,
                "gpsd:PROG: gpsd_multipoll({dfd}) DEVICE_UNCHANGED for {=5|5|6|7|11|31}",
            ),
            (
                "ser_current_speed",
                28,
                "gpsd:INFO: SER: fd {dfd} current speed {baud}, 8N1",
            ),
            (
                "ser_set_speed",
                24,
                "gpsd:IO: SER: fd {dfd} set speed {baud_code}",
            ),
            (
                "device_identified",
                7,
                "gpsd:INFO: {serial_dev} identified as type {gps_type}, {=0|1|1|2|4} sec @ {baud}bps",
            ),
            (
                "ser_opening",
                10,
                "gpsd:INFO: SER: opening GPS data source type {typed_dev}'",
            ),
            (
                "ser_open_failed",
                12,
                "gpsd:ERROR: SER: device open of {serial_dev} failed: {errno_str} - retrying read-only",
            ),
            (
                "ser_ro_open_failed",
                10,
                "gpsd:ERROR: SER: read-only device open of {serial_dev} failed: {errno_str}",
            ),
            (
                "reconnection_attempt",
                14,
                "gpsd:INFO: reconnection attempt on device {=0|1}, {serial_dev}",
            ),
            (
                "gpsd_activated",
                6,
                "gpsd:INFO: gpsd_activate({=1|2}): activated GPS (fd {dfd})",
            ),
            (
                "ntpshm_link_activate",
                4,
                "gpsd:PROG: NTP:SHM: ntpshm_link_activate({shm_dev_typed} fd {dfd}",
            ),
            (
                "shm_link_activated",
                4,
                "gpsd:INFO: SHM: ntpshm_link_activate({dev}): NTP NTP activated {dfd}",
            ),
            (
                "kpps_rfc2783_path",
                3,
                "gpsd:INFO: KPPS:{pps_dev} RFC2783 path:{pps_dev}, fd {dfd}",
            ),
            (
                "kpps_caps",
                3,
                "gpsd:INFO: KPPS:{pps_dev} pps_caps 0x{=1133|1111}",
            ),
            (
                "stashing_device",
                4,
                "gpsd:INFO: stashing device {dev} at slot {=0|1}",
            ),
            (
                "launching",
                2,
                "gpsd:INFO: launching (Version 3.25, revision 3.25)",
            ),
            (
                "command_line",
                2,
                "gpsd:INFO: Command line: /usr/sbin/gpsd -F /var/run/gpsd.sock -n -D 7 /dev/ttyACM0 /dev/pps0 {=|/dev/ttyUSB0 }",
            ),
            (
                "listening_on_port",
                2,
                "gpsd:INFO: listening on port {=gpsd|2947}",
            ),
            (
                "effective_group",
                2,
                "gpsd:INFO: running with effective group ID {=20|18}",
            ),
            (
                "effective_user",
                2,
                "gpsd:INFO: running with effective user ID {=112|65534}",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "client_ip": ("127.0.0.1", "127.0.0.1", "127.0.0.1", "::1", "192.168.{=1|20}.{nz}{d}"),
            "sub": ("0", "0", "1", "1", "2", "3", "4", "5", "7"),
            "cfd": ("{=8|9|10|11|12|13|14|15|16}",),
            "dfd": ("{=5|6|7|7|7|8}",),
            "gpsd_cmd": (
                '?WATCH={{"enable":true,"json":true}}',
                '?WATCH={{"enable":true,"json":true}}',
                '?WATCH={{"enable":true,"json":true,"pps":true}}',
                '?WATCH={{"enable":true,"nmea":true}}',
                '?WATCH={{"enable":false}}',
                "?POLL;",
                "?DEVICES;",
                "?VERSION;",
            ),
            "pps_dev": ("/dev/pps0", "/dev/pps0", "/dev/pps0", "/dev/pps1"),
            "dev": ("/dev/ttyACM0", "/dev/ttyACM0", "/dev/ttyACM0", "/dev/ttyUSB0", "/dev/pps0"),
            "serial_dev": (
                "/dev/ttyACM0",
                "/dev/ttyACM0",
                "/dev/ttyUSB0",
                "/dev/ttyUSB0",
                "/dev/ttyUSB1",
            ),
            "typed_dev": ("12 at '/dev/ttyACM0", "3 at '/dev/ttyUSB0", "3 at '/dev/ttyUSB1"),
            "shm_dev_typed": (
                "/dev/ttyACM0), sourcetype 12",
                "/dev/ttyUSB0), sourcetype 3",
                "/dev/pps0), sourcetype 10",
            ),
            "pps_ts": (
                "17966{=0|1|2|3|4|5|6|7}{d}{d}{d}{d}.{=999|999|000}{d}{d}{d}{d}{d}{d}",
                "17966{=0|1|2|3|4|5|6|7}{d}{d}{d}{d}.000{d}{d}{d}{d}{d}{d}",
            ),
            "sec_ts": ("17966{=0|1|2|3|4|5|6|7}{d}{d}{d}{d}.000000000",),
            "pps_seq": ("{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "cycle": (
                "99{=8|9}{d}{d}{d}",
                "100{=0|1}{d}{d}{d}",
                "99{=8|9}{d}{d}{d}",
                "{=1|2}{d}{d}{d}{d}{d}{d}",
            ),
            "baud": (
                "4800",
                "9600",
                "9600",
                "19200",
                "38400",
                "57600",
                "115200",
                "115200",
                "230400",
                "460800",
                "921600",
            ),
            "baud_code": (
                "4800(12)",
                "9600(13)",
                "9600(13)",
                "19200(14)",
                "38400(15)",
                "57600(4097)",
                "115200(4098)",
                "115200(4098)",
                "230400(4099)",
                "460800(4100)",
                "921600(4103)",
            ),
            "gps_type": ("u-blox", "u-blox", "u-blox", "NMEA0183", "NMEA0183", "MTK-3301", "SiRF"),
            "errno_str": (
                "No such file or directory(2)",
                "No such file or directory(2)",
                "Permission denied(13)",
                "Device or resource busy(16)",
            ),
        },
    },
}
