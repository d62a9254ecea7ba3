/* SPDX-License-Identifier: BSD-2-Clause */
/* Application start-up, called once by kmain after the network and the block store. */
#pragma once

void app_init(void);
