/* SPDX-License-Identifier: BSD-2-Clause */
/* Application start-up: the services this appliance offers, in the order they come up. */
#include "app/app.h"
#include "app/init.h"
#include "app/store.h"
#include "lib/kprintf.h"

void app_init(void)
{
	/* UDP echo (RFC 862): the appliance's main job; needs only the network. */
	if (echo_init())
		pr_err("app: echo service did not start\n");
	/* TCP echo (RFC 862 over TCP): the same service for stream clients. */
	if (tcpecho_init())
		pr_err("app: TCP echo service did not start\n");
	/* The store service: a mapped region of the block store, read/written over UDP. */
	if (store_init())
		pr_warn("app: store service did not start\n");
}
