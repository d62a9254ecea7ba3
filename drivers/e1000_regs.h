/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intel 8254x (e1000) registers, bits and legacy descriptors, from the "PCI/PCI-X Family of
 * Gigabit Ethernet Controllers Software Developer's Manual" (8254x SDM, rev. 4.0):
 * registers sec. 13, descriptors sec. 3.2.3 (receive) and 3.3.3 (transmit).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Register byte offsets in BAR0 (SDM table 13-2). */
#define E1000_CTRL     0x00000 /* RW  device control */
#define E1000_STATUS   0x00008 /* R   device status */
#define E1000_EECD     0x00010 /* RW  EEPROM/flash control */
#define E1000_EERD     0x00014 /* RW  EEPROM read (82540 and later) */
#define E1000_CTRL_EXT 0x00018 /* RW  extended device control */
/* ICR: reading clears it (8254x; the 82574 in INTx/MSI mode); writing 1s clears those causes
 * (both; the 82574 with MSI-X is cleared only that way, or by EIAC). */
#define E1000_ICR 0x000c0 /* R/clr interrupt cause read */
#define E1000_ICS 0x000c8 /* W   interrupt cause set (raises the causes written) */
#define E1000_ITR 0x000c4 /* RW  interrupt throttling */
#define E1000_IMS 0x000d0 /* RW  interrupt mask set (write 1 enables) */
#define E1000_IMC 0x000d8 /* W   interrupt mask clear (write 1 disables) */
#define E1000_EIAC_82574                                                                           \
	0x000dc		    /* RW 82574: causes auto-cleared in ICR when their MSI-X
				  * message is sent */
#define E1000_IVAR  0x000e4 /* RW 82574: cause -> MSI-X vector (datasheet 10.2.4.9) */
#define E1000_RCTL  0x00100 /* RW  receive control */
#define E1000_TCTL  0x00400 /* RW  transmit control */
#define E1000_TIPG  0x00410 /* RW  transmit inter-packet gap */
#define E1000_RDBAL 0x02800 /* RW  RX descriptor base low */
#define E1000_RDBAH 0x02804 /* RW  RX descriptor base high */
#define E1000_RDLEN 0x02808 /* RW  RX descriptor ring bytes (multiple of 128) */
#define E1000_RDH   0x02810 /* RW  RX head (hardware's next) */
#define E1000_RDT   0x02818 /* RW  RX tail (one past the last slot given to hardware) */
#define E1000_RDTR  0x02820 /* RW  RX interrupt delay */
#define E1000_RADV  0x0282c /* RW  RX absolute interrupt delay */
#define E1000_TDBAL 0x03800 /* RW  TX descriptor base low */
#define E1000_TDBAH 0x03804 /* RW  TX descriptor base high */
#define E1000_TDLEN 0x03808 /* RW  TX descriptor ring bytes (multiple of 128) */
#define E1000_TDH   0x03810 /* RW  TX head */
#define E1000_TDT   0x03818 /* RW  TX tail (doorbell) */
#define E1000_TIDV  0x03820 /* RW  TX interrupt delay */
#define E1000_MTA   0x05200 /* RW  multicast table, 128 32-bit entries */
#define E1000_RAL0  0x05400 /* RW  receive address 0 low (MAC bytes 0-3) */
#define E1000_RAH0  0x05404 /* RW  receive address 0 high (MAC bytes 4-5, AV) */

_Static_assert(E1000_RDT - E1000_RDBAL == 0x18 && E1000_TDT - E1000_TDBAL == 0x18,
	       "RX and TX queue register blocks share a layout");
_Static_assert(E1000_RAH0 == E1000_RAL0 + 4, "RAR0 is a low/high pair");

#define E1000_MTA_ENTRIES 128
#define E1000_BAR0_MIN	  0x20000 /* BAR0 is 128 KiB on every 8254x */

/* CTRL (SDM 13.4.1) */
#define E1000_CTRL_ASDE	   (1u << 5)  /* auto-speed detection */
#define E1000_CTRL_SLU	   (1u << 6)  /* set link up */
#define E1000_CTRL_RST	   (1u << 26) /* device reset, self-clearing */
#define E1000_CTRL_PHY_RST (1u << 31)

/* STATUS (SDM 13.4.2) */
#define E1000_STATUS_LU (1u << 1) /* link up */

/* EERD (SDM 13.4.4; 82574 datasheet 10.2.2.5 moves DONE and the address) */
#define E1000_EERD_START	    (1u << 0)
#define E1000_EERD_DONE		    (1u << 4)
#define E1000_EERD_ADDR_SHIFT	    8
#define E1000_EERD_DONE_82574	    (1u << 1)
#define E1000_EERD_ADDR_SHIFT_82574 2
#define E1000_EERD_DATA_SHIFT	    16

/* IVAR (82574): a 4-bit field per cause, the vector in bits 2:0 and a valid bit 3. */
#define E1000_IVAR_VALID       0x8u
#define E1000_IVAR_RX_SHIFT    0  /* receive queue 0 */
#define E1000_IVAR_TX_SHIFT    8  /* transmit queue 0 */
#define E1000_IVAR_OTHER_SHIFT 16 /* other causes (link, ...) */

/* RAH (SDM 13.5.1) */
#define E1000_RAH_AV (1u << 31) /* address valid */

/* Interrupt causes: ICR/IMS/IMC share the bit layout (SDM 13.4.17). */
#define E1000_ICR_TXDW	    (1u << 0)
#define E1000_ICR_LSC	    (1u << 2) /* link status change */
#define E1000_ICR_RXDMT0    (1u << 4) /* RX descriptors below the minimum threshold */
#define E1000_ICR_RXO	    (1u << 6) /* receiver overrun */
#define E1000_ICR_RXT0	    (1u << 7) /* receiver timer (a frame was stored) */
#define E1000_ICR_RX_CAUSES (E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO)
/* 82574 with MSI-X (datasheet 10.2.4.1): per-queue causes and "other". */
#define E1000_ICR_RXQ0	(1u << 20)
#define E1000_ICR_TXQ0	(1u << 22)
#define E1000_ICR_OTHER (1u << 24)

/* RCTL (SDM 13.4.22) */
#define E1000_RCTL_EN	      (1u << 1)
#define E1000_RCTL_SBP	      (1u << 2)
#define E1000_RCTL_UPE	      (1u << 3)
#define E1000_RCTL_MPE	      (1u << 4)
#define E1000_RCTL_LPE	      (1u << 5)	 /* long packets: left clear, frames stay <= 1522 */
#define E1000_RCTL_BAM	      (1u << 15) /* accept broadcast */
#define E1000_RCTL_BSIZE_2048 (0u << 16) /* with BSEX clear */
#define E1000_RCTL_BSEX	      (1u << 25)
#define E1000_RCTL_SECRC      (1u << 26) /* strip the Ethernet CRC */

/* RXCSUM (register 05000h on the 82543 and later, the 82574 included): TUOFL has the device
 * verify the TCP and UDP checksums of received frames. The other bits (IPOFL, the packet
 * checksum start) are left as reset made them: the register is read, changed and written. */
#define E1000_RXCSUM	   0x05000 /* RW  receive checksum control */
#define E1000_RXCSUM_TUOFL (1u << 9)

/* TCTL (SDM 13.4.33) */
#define E1000_TCTL_EN	      (1u << 1)
#define E1000_TCTL_PSP	      (1u << 3) /* pad short packets */
#define E1000_TCTL_CT_SHIFT   4		/* collision threshold */
#define E1000_TCTL_COLD_SHIFT 12	/* collision distance */

/* TIPG for 82540/82545/82544 copper (SDM 13.4.34): IPGT 10, IPGR1 8, IPGR2 6. */
#define E1000_TIPG_COPPER (10u | 8u << 10 | 6u << 20)

/* Largest frame stored with RCTL.LPE clear: 1518 + a VLAN tag (SDM 8.2.1; the CRC is
 * stripped by SECRC, so this is an upper bound). */
#define E1000_MAX_FRAME 1522
/* Longest frame one legacy TX descriptor can carry (SDM 3.3.3: length field limit). */
#define E1000_TX_MAX_LEN 16288

/* Legacy receive descriptor (SDM 3.2.3). Hardware writes length, csum, status, errors. */
struct e1000_rx_desc {
	uint64_t addr;	 /* buffer physical address */
	uint16_t length; /* bytes stored (without CRC with SECRC) */
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};
_Static_assert(sizeof(struct e1000_rx_desc) == 16, "e1000 RX descriptor is 16 bytes");
_Static_assert(offsetof(struct e1000_rx_desc, length) == 8, "RX length at 8");
_Static_assert(offsetof(struct e1000_rx_desc, status) == 12, "RX status at 12");
_Static_assert(offsetof(struct e1000_rx_desc, errors) == 13, "RX errors at 13");

#define E1000_RXD_STAT_DD  (1u << 0) /* descriptor done */
#define E1000_RXD_STAT_EOP (1u << 1) /* end of packet */
/* The checksum bits of the status byte (SDM 3.2.3.1; the 82574's legacy descriptor keeps them
 * and adds UDPCS): IXSM says the device did not look (QEMU's 82540EM sets it on every frame),
 * TCPCS that it summed a TCP segment (on the 8254x: TCP or UDP), UDPCS a UDP datagram. */
#define E1000_RXD_STAT_IXSM  (1u << 2)
#define E1000_RXD_STAT_UDPCS (1u << 4)
#define E1000_RXD_STAT_TCPCS (1u << 5)
/* Errors byte (SDM 3.2.3.2): CE, SE, SEQ, CXE, RXE drop the frame; TCPE (a wrong TCP or UDP
 * sum) only withholds the device's verdict: the stack sums the segment itself and counts the
 * drop in its layer (IPE is not looked at: the stack checks every IP header). */
#define E1000_RXD_ERR_FRAME 0x97u /* CE | SE | SEQ | CXE | RXE */
#define E1000_RXD_ERR_TCPE  (1u << 5)
_Static_assert(((E1000_RXD_STAT_IXSM | E1000_RXD_STAT_UDPCS | E1000_RXD_STAT_TCPCS) &
		(E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP)) == 0 &&
		       (E1000_RXD_ERR_TCPE & E1000_RXD_ERR_FRAME) == 0,
	       "checksum bits apart from DD, EOP and the frame errors");

/* Legacy transmit descriptor (SDM 3.3.3). */
struct e1000_tx_desc {
	uint64_t addr; /* buffer physical address */
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status; /* DD written back when cmd has RS */
	uint8_t css;
	uint16_t special;
};
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "e1000 TX descriptor is 16 bytes");
_Static_assert(offsetof(struct e1000_tx_desc, length) == 8, "TX length at 8");
_Static_assert(offsetof(struct e1000_tx_desc, cmd) == 11, "TX cmd at 11");
_Static_assert(offsetof(struct e1000_tx_desc, status) == 12, "TX status at 12");

#define E1000_TXD_CMD_EOP  (1u << 0) /* end of packet */
#define E1000_TXD_CMD_IFCS (1u << 1) /* insert the CRC */
#define E1000_TXD_CMD_RS   (1u << 3) /* report status: write DD back */
#define E1000_TXD_STAT_DD  (1u << 0)
