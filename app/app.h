/* SPDX-License-Identifier: BSD-2-Clause */
/* The applications' entry points, called from app_init (app/init.h). */
#pragma once

/* UDP echo (app/echo.c): bind the echo port (echo.port=, default 7); logs once the address is
 * up. Returns 0 or the udp_bind error. */
int echo_init(void);
/* Bootarg setter for echo.port (1..65535); 0 or -EINVAL. */
int echo_bootarg_port(const char *value);
/* echo.port= for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table echo_bootargs;
/* TCP echo (app/tcpecho.c): listen on tcpecho.port= (default 7; 0 = off); logs once the
 * address is up. Returns 0 or the tcp_listen error. */
int tcpecho_init(void);
/* Bootarg setter for tcpecho.port (0..65535); 0 or -EINVAL. */
int tcpecho_bootarg_port(const char *value);
/* tcpecho.port= for the composition root's list. */
extern const struct bootarg_table tcpecho_bootargs;
