"""Held-out systems, sixty-fourth set: written by a helper that did not read or run the miner,
asked on 2026-12-07 (session of 22:20 UTC); measured once on 12-07 23:07 (0.662 mean),
before anything was tuned on it (see ../README.md for what was after). Its helper was
not given the names already used and also wrote klipper, esphome and mender, whose
formats earlier sets hold (klipper, esphome, mender_client): those three were left out
unmeasured.

Plain data for ../generate.py: each system's families (event id, weight, layout) and the
values its fields take. See ../README.md.
"""

# ruff: noqa: E501

SYSTEMS = {
    # open-iscsi 2.1 initiator on a Linux 5.15 host: iscsid's messages (text after
    # "iscsid[pid]: ", which itself begins "iscsid: ") and the kernel's iSCSI/SCSI/block lines
    # (text after "kernel: ", dmesg stamp removed). Sessions to LIO, TrueNAS, NetApp and Pure
    # targets, with a flapping storage network.
    "open_iscsi": {
        "lines": 2000,
        "families": (
            (
                "kernel_conn_error",
                200,
                "connection{sid}:0: detected conn error ({=1020|1020|1020|1011|1011|1022})",
            ),
            (
                "kernel_reported_conn_error",
                200,
                "iscsid: Kernel reported iSCSI connection {sid}:0 error ({iscsi_err}) state ({=3|3|3|1})",
            ),
            (
                "ping_timeout",
                60,
                "connection{sid}:0: ping timeout of {=5|5|10|15} secs expired, recv timeout {=5|5|10}, {ping_jiffies}",
            ),
            (
                "operational_after_recovery",
                150,
                "iscsid: connection{sid}:0 is operational after recovery ({=1|1|1|1|2|2|3|5|8|14} attempts)",
            ),
            (
                "connect_failed",
                150,
                "iscsid: connect to {portal_ip}:3260 failed ({=Connection refused|Connection refused|No route to host|No route to host|Connection timed out|Network is unreachable})",
            ),
            (
                "connection_operational",
                40,
                "iscsid: Connection{sid}:0 to [target: {target_portal}] through [iface: {iface}] is operational now",
            ),
            (
                "connection_shutdown",
                15,
                "iscsid: Connection{sid}:0 to [target: {target_portal}] through [iface: {iface}] is shutdown.",
            ),
            (
                "session_recovery_timeout",
                25,
                "session{sid}: session recovery timed out after {=5|15|120|120|120} secs",
            ),
            (
                "rejecting_io_offline",
                120,
                "sd {hctl}: rejecting I/O to offline device",
            ),
            (
                "blk_update_io_error",
                120,
                "blk_update_request: I/O error, dev {sd_dev}, sector {sector} op 0x{=0:(READ)|1:(WRITE)|1:(WRITE)} flags 0x{=0|800|8800|80700|0} phys_seg {=1|1|1|2|8|32} prio class 0",
            ),
            (
                "buffer_io_error",
                40,
                "Buffer I/O error on dev {sd_dev}{=1|1|2}, logical block {sector}, lost async page write",
            ),
            (
                "login_rejected_authorization",
                20,
                "iscsid: connection{sid}:0 login rejected: initiator failed authorization with target",
            ),
            (
                "login_rejected_authentication",
                10,
                "iscsid: session {sid} login rejected: Initiator failed authentication with target",
            ),
            (
                "login_rejected_target_not_found",
                6,
                "iscsid: connection{sid}:0 login rejected: initiator error - target not found (02/03)",
            ),
            (
                "login_rejected_target_error",
                8,
                "iscsid: connection{sid}:0 login rejected: target error (03/{=01|02})",
            ),
            (
                "cannot_make_connection",
                30,
                "iscsid: cannot make a connection to {portal_ip}:3260 (-1,{=101|110|111|111|113})",
            ),
            (
                "session_priority",
                12,
                "iscsid: Could not set session{sid} priority. READ/WRITE throughout and latency could be affected.",
            ),
            (
                "daemon_started",
                3,
                "iscsid: iSCSI daemon with pid={pid} started!",
            ),
            (
                "scsi_host_added",
                10,
                "scsi host{host}: iSCSI Initiator over TCP/IP",
            ),
            (
                "scsi_device_found",
                10,
                "scsi {hctl}: {scsi_inquiry}{=5|6}",
            ),
            (
                "sd_capacity",
                10,
                "sd {hctl}: {sd_capacity}",
            ),
            (
                "sd_attached",
                10,
                "sd {hctl}: [{sd_dev}] Attached SCSI disk",
            ),
            (
                "sd_write_cache",
                8,
                "sd {hctl}: [{sd_dev}] Write cache: {=enabled|disabled}, read cache: enabled, {=doesn't support DPO or FUA|supports DPO and FUA}",
            ),
            (
                "sd_sync_cache",
                6,
                "sd {hctl}: [{sd_dev}] Synchronizing SCSI cache",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "sid": ("1", "1", "2", "2", "3", "4", "5", "6", "7", "8", "11", "12", "20", "22"),
            "host": ("3", "4", "5", "6", "7", "8"),
            "iscsi_err": (
                "1020 - ISCSI_ERR_TCP_CONN_CLOSE: TCP connection closed",
                "1020 - ISCSI_ERR_TCP_CONN_CLOSE: TCP connection closed",
                "1020 - ISCSI_ERR_TCP_CONN_CLOSE: TCP connection closed",
                "1011 - ISCSI_ERR_CONN_FAILED: iSCSI connection failed",
                "1011 - ISCSI_ERR_CONN_FAILED: iSCSI connection failed",
                "1019 - ISCSI_ERR_XMIT_FAILED: Transmission of iSCSI packet failed",
                "1021 - ISCSI_ERR_SCSI_EH_SESSION_RST: Session was dropped as a result of SCSI error recovery",
            ),
            "ping_jiffies": (
                "last rx 4297353731, last ping 4297358736, now 4297363744",
                "last rx 4311024586, last ping 4311029592, now 4311034600",
                "last rx 4302118840, last ping 4302123845, now 4302128852",
                "last rx 4389001207, last ping 4389006212, now 4389011220",
                "last rx 4295702214, last ping 4295707219, now 4295712227",
                "last rx 4345560093, last ping 4345570100, now 4345580112",
                "last rx 4326811430, last ping 4326816435, now 4326821443",
                "last rx 4401937765, last ping 4401952772, now 4401967784",
            ),
            "portal_ip": (
                "10.20.30.11",
                "10.20.30.11",
                "10.20.31.11",
                "10.20.31.12",
                "192.168.50.20",
                "172.16.8.40",
            ),
            "target_portal": (
                "iqn.2003-01.org.linux-iscsi.stor01.x8664:sn.5e1f0a9c3b2d, portal: 10.20.30.11,3260",
                "iqn.2003-01.org.linux-iscsi.stor01.x8664:sn.5e1f0a9c3b2d, portal: 10.20.31.11,3260",
                "iqn.2005-10.org.freenas.ctl:vmstore01, portal: 192.168.50.20,3260",
                "iqn.2005-10.org.freenas.ctl:backup-zvol, portal: 192.168.50.20,3260",
                "iqn.1992-08.com.netapp:sn.4082367740, portal: 10.20.31.12,3260",
                "iqn.2010-06.com.purestorage:flasharray.3c4c2b6e1f0a8d21, portal: 172.16.8.40,3260",
            ),
            "iface": ("default", "default", "default", "iface-ens1f0", "iface-ens1f1"),
            "hctl": ("{host}:0:0:{=0|0|1|2}",),
            "sd_dev": ("sdb", "sdb", "sdc", "sdd", "sde", "sdf", "sdg"),
            "sector": (
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}{d}",
                "0",
                "2048",
            ),
            "pid": ("7{d}{d}", "1{d}{d}{d}", "2{d}{d}{d}{d}"),
            "scsi_inquiry": (
                "Direct-Access     LIO-ORG  vmstore01        4.0  PQ: 0 ANSI: ",
                "Direct-Access     TrueNAS  iSCSI Disk       0123 PQ: 0 ANSI: ",
                "Direct-Access     NETAPP   LUN C-Mode       9111 PQ: 0 ANSI: ",
                "Direct-Access     PURE     FlashArray       8888 PQ: 0 ANSI: ",
            ),
            "sd_capacity": (
                "[sdb] 2147483648 512-byte logical blocks: (1.10 TB/1.00 TiB)",
                "[sdc] 4294967296 512-byte logical blocks: (2.20 TB/2.00 TiB)",
                "[sdd] 209715200 512-byte logical blocks: (107 GB/100 GiB)",
                "[sde] 1073741824 512-byte logical blocks: (550 GB/512 GiB)",
                "[sdf] 524288000 512-byte logical blocks: (268 GB/250 GiB)",
                "[sdg] 268435456 4096-byte logical blocks: (1.10 TB/1.00 TiB)",
            ),
        },
    },
    # IPMI System Event Log of Supermicro/Dell server BMCs, listed with ipmitool 1.8.19
    # `sel elist`: record id ("%4x"), date, time, sensor type and name, event text, direction
    # and, for threshold events, the reading. One family per event kind and direction; the
    # record, stamp, sensor name and readings are values.
    "ipmi_sel": {
        "lines": 2000,
        "families": (
            (
                "ps_ac_lost_asserted",
                70,
                "{rid} | {date} | {time} | Power Supply {ps} | Power Supply AC lost | Asserted",
            ),
            (
                "ps_ac_lost_deasserted",
                65,
                "{rid} | {date} | {time} | Power Supply {ps} | Power Supply AC lost | Deasserted",
            ),
            (
                "ps_failure_asserted",
                20,
                "{rid} | {date} | {time} | Power Supply {ps} | Failure detected | Asserted",
            ),
            (
                "ps_redundancy_lost",
                40,
                "{rid} | {date} | {time} | Power Supply {ps_redundancy} | Redundancy Lost | Asserted",
            ),
            (
                "ps_fully_redundant",
                38,
                "{rid} | {date} | {time} | Power Supply {ps_redundancy} | Fully Redundant | Asserted",
            ),
            (
                "temp_upper_critical_asserted",
                90,
                "{rid} | {date} | {time} | Temperature {temp_hot} | Upper Critical going high | Asserted | Reading {uc_reading} > Threshold {uc_threshold} degrees C",
            ),
            (
                "temp_upper_critical_deasserted",
                80,
                "{rid} | {date} | {time} | Temperature {temp_hot} | Upper Critical going high | Deasserted | Reading {uc_reading_low} > Threshold {uc_threshold} degrees C",
            ),
            (
                "temp_upper_noncritical_asserted",
                110,
                "{rid} | {date} | {time} | Temperature {temp_air} | Upper Non-critical going high | Asserted | Reading {unc_reading} > Threshold {unc_threshold} degrees C",
            ),
            (
                "temp_upper_noncritical_deasserted",
                100,
                "{rid} | {date} | {time} | Temperature {temp_air} | Upper Non-critical going high | Deasserted | Reading {unc_reading_low} > Threshold {unc_threshold} degrees C",
            ),
            (
                "fan_lower_critical_asserted",
                95,
                "{rid} | {date} | {time} | Fan {fan} | Lower Critical going low  | Asserted | Reading {fan_reading} < Threshold {fan_threshold} RPM",
            ),
            (
                "fan_lower_critical_deasserted",
                85,
                "{rid} | {date} | {time} | Fan {fan} | Lower Critical going low  | Deasserted | Reading {fan_reading_ok} < Threshold {fan_threshold} RPM",
            ),
            (
                "voltage_lower_critical_asserted",
                18,
                "{rid} | {date} | {time} | Voltage {volt_sensor} | Lower Critical going low  | Asserted | Reading {volt_reading} < Threshold {volt_threshold} Volts",
            ),
            (
                "memory_correctable_ecc",
                170,
                "{rid} | {date} | {time} | Memory {mem_sensor} | Correctable ECC | Asserted",
            ),
            (
                "memory_ecc_logging_limit",
                35,
                "{rid} | {date} | {time} | Memory {mem_sensor} | Correctable ECC logging limit reached | Asserted",
            ),
            (
                "memory_uncorrectable_ecc",
                8,
                "{rid} | {date} | {time} | Memory {mem_sensor} | Uncorrectable ECC | Asserted",
            ),
            (
                "sel_log_cleared",
                10,
                "{rid} | {date} | {time} | Event Logging Disabled {sel_sensor} | Log area reset/cleared | Asserted",
            ),
            (
                "boot_initiated_power_up",
                25,
                "{rid} | {date} | {time} | System Boot Initiated {boot_sensor} | Initiated by power up | Asserted",
            ),
            (
                "os_boot_completed",
                25,
                "{rid} | {date} | {time} | OS Boot {os_boot_sensor} | C: boot completed | Asserted",
            ),
            (
                "os_graceful_shutdown",
                18,
                "{rid} | {date} | {time} | OS Critical Stop {os_stop_sensor} | OS graceful shutdown | Asserted",
            ),
            (
                "power_button_pressed",
                14,
                "{rid} | {date} | {time} | Button {button_sensor} | Power Button pressed | Asserted",
            ),
            (
                "watchdog2_hard_reset",
                9,
                "{rid} | {date} | {time} | Watchdog2 {wd_sensor} | Hard reset | Asserted",
            ),
            (
                "drive_present_asserted",
                55,
                "{rid} | {date} | {time} | Drive Slot / Bay {drive} | Drive Present | Asserted",
            ),
            (
                "drive_present_deasserted",
                40,
                "{rid} | {date} | {time} | Drive Slot / Bay {drive} | Drive Present | Deasserted",
            ),
            (
                "drive_fault_asserted",
                22,
                "{rid} | {date} | {time} | Drive Slot / Bay {drive} | Drive Fault | Asserted",
            ),
            (
                "chassis_intrusion_asserted",
                16,
                "{rid} | {date} | {time} | Physical Security {intrusion_sensor} | General Chassis intrusion | Asserted",
            ),
            (
                "chassis_intrusion_deasserted",
                13,
                "{rid} | {date} | {time} | Physical Security {intrusion_sensor} | General Chassis intrusion | Deasserted",
            ),
            (
                "processor_ierr",
                5,
                "{rid} | {date} | {time} | Processor {cpu_sensor} | IERR | Asserted",
            ),
            (
                "bus_uncorrectable_error",
                9,
                "{rid} | {date} | {time} | Critical Interrupt {pcie_sensor} | Bus Uncorrectable error | Asserted",
            ),
            (
                "timestamp_clock_sync",
                40,
                "{rid} | {date} | {time} | System Event {sysevent_sensor} | Timestamp Clock Sync | Asserted",
            ),
            (
                "power_unit_ac_lost",
                20,
                "{rid} | {date} | {time} | Power Unit {pwr_unit_sensor} | AC lost | Asserted",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "h": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"),
            "hnz": ("1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"),
            "rid": (
                "   {hnz}",
                "  {hnz}{h}",
                "  {hnz}{h}",
                " {hnz}{h}{h}",
                " {hnz}{h}{h}",
                " {hnz}{h}{h}",
                "{hnz}{h}{h}{h}",
            ),
            "date": (
                "12/0{=1|2|3|4|5|6|7}/2026",
                "11/{=1|2}{d}/2026",
                "10/{=0|1|2}{nz}/2026",
                "0{nz}/1{d}/2026",
            ),
            "time": (
                "{=0|1}{d}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d}",
                "2{=0|1|2|3}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d}",
            ),
            "ps": (
                "PS1 Status",
                "PS2 Status",
                "PS2 Status",
                "#0x{=63|64}",
                "PSU1 Status",
                "PSU2 Status",
            ),
            "ps_redundancy": ("PS Redundancy", "PS Redundancy", "#0x74", "PSU Redundancy"),
            "temp_hot": (
                "CPU1 Temp",
                "CPU2 Temp",
                "CPU1 VRM Temp",
                "PCH Temp",
                "DIMMA~F Temp",
                "NVMe_SSD Temp",
            ),
            "uc_reading": ("{=86|88|91|93|96|97|99|101|104}",),
            "uc_reading_low": ("{=78|80|82|84|85|87|89}",),
            "uc_threshold": ("85", "90", "95", "95", "100"),
            "temp_air": (
                "Inlet Temp",
                "Inlet Temp",
                "System Temp",
                "Exhaust Temp",
                "Peripheral Temp",
                "Ambient Temp",
            ),
            "unc_reading": ("{=43|44|46|48|52|71|73|76|81|83}",),
            "unc_reading_low": ("{=38|39|41|42|66|68|77|79}",),
            "unc_threshold": ("42", "42", "45", "70", "80"),
            "fan": ("FAN1", "FAN2", "FAN3", "FAN4", "FAN5", "FAN6", "FANA", "Fan{=1|2|3|4}A RPM"),
            "fan_reading": ("0", "0", "0", "140", "280", "{=1|2|3}{=0|2|4|6|8}0"),
            "fan_reading_ok": (
                "{=6|7|8|9}{=0|2|4|6|8}0",
                "1{d}{=0|2|4|6|8}0",
                "{=2|3|4|5}{d}{=0|2|4|6|8}0",
            ),
            "fan_threshold": ("300", "420", "500", "700", "840"),
            "volt_sensor": ("12V", "5VSB", "3.3VCC", "VBAT", "CPU1 Vcore", "VDimmABC"),
            "volt_reading": (
                "10.{=56|62|68|74}",
                "4.{=48|51|54}",
                "2.{=86|89|92}",
                "2.{=35|41|47}",
                "0.{=54|57|60}",
            ),
            "volt_threshold": ("10.75", "10.80", "4.57", "2.95", "2.51", "0.63"),
            "mem_sensor": (
                "ECC Corr Err",
                "ECC Corr Err",
                "Mem ECC Warning",
                "#0x{=87|88|8c}",
                "DIMM_{=A|B|C|D}{=1|2}",
                "ECC Uncorr Err",
            ),
            "sel_sensor": ("SEL", "#0x{=07|72}", "Event Log", "SEL Fullness"),
            "boot_sensor": ("#0x{=01|6f}", "System Restart", "BIOS Boot"),
            "os_boot_sensor": ("#0x{=a0|6e}", "OS Boot", "Boot Status"),
            "os_stop_sensor": ("#0x{=46|ff}", "OS Stop", "OS Shutdown"),
            "button_sensor": ("#0x{=12|a5}", "Power Button", "Button"),
            "wd_sensor": ("#0x{=81|9f}", "IPMI Watchdog", "OS Watchdog"),
            "drive": (
                "Drive {=0|1|2|3|4|5|6|7}",
                "HDD{=0|1|2|3} Status",
                "#0x{=6d|c0|c1}",
                "NVMe_{=SSD1|SSD2} Status",
            ),
            "intrusion_sensor": ("#0x{=e0|73}", "Intrusion", "Chassis Intru"),
            "cpu_sensor": ("CPU1 Status", "CPU2 Status", "#0x5f"),
            "pcie_sensor": ("PCIE Error", "PCI BUS", "#0x{=73|c1}", "Bus Uncorr Err"),
            "sysevent_sensor": ("#0x{=83|52}", "SEL Time Sync", "Sys Evt"),
            "pwr_unit_sensor": ("Pwr Unit Status", "#0x01", "Power Unit"),
        },
    },
}
