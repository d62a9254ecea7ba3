/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's line editor: one byte of terminal input at a time, echo through console_write.
 * Keys: printable characters insert at the cursor; Backspace, Delete; Left/Right, Home/End
 * (also Ctrl-A/Ctrl-E); Up/Down walk the history; Ctrl-U and Ctrl-C drop the line; Ctrl-W
 * drops the word before the cursor; Enter ends the line (CR, LF or CR LF). VT100/xterm escape
 * sequences (ESC [ ... and ESC O ...) are read whole, so an unknown key is ignored rather
 * than typed. Pure: built for the host tests too.
 */
#pragma once
#include <stdbool.h>

#define LINEEDIT_MAX	 80 /* bytes of a line, with the NUL: 79 characters */
#define LINEEDIT_HISTORY 16 /* lines kept for Up/Down */

enum lineedit_result {
	LINEEDIT_NONE,	   /* keep typing */
	LINEEDIT_LINE,	   /* a line is ready in le->line (NUL-terminated, may be empty) */
	LINEEDIT_TOO_LONG, /* Enter after more than LINEEDIT_MAX - 1 characters: nothing to run */
};

struct lineedit {
	const char *prompt;
	char line[LINEEDIT_MAX];
	unsigned len, pos;  /* characters in line; cursor (0..len) */
	bool overflow;	    /* characters were refused since the line began */
	bool shown;	    /* the prompt and line are on the screen (for the log hook) */
	bool hidden;	    /* moved away by lineedit_hide, to be drawn again */
	bool after_cr;	    /* the last byte was CR: a LF right after it is the same Enter */
	unsigned char esc;  /* escape-sequence state, 0 when none */
	unsigned esc_param; /* the number in ESC [ n ~ */
	char hist[LINEEDIT_HISTORY][LINEEDIT_MAX];
	unsigned nhist;		  /* lines ever added; the newest is hist[(nhist - 1) % N] */
	unsigned browse;	  /* 0 = editing a new line, k = showing the k-th newest */
	char draft[LINEEDIT_MAX]; /* the new line, kept while browsing the history */
};

void lineedit_init(struct lineedit *le, const char *prompt);

/* Feed one input byte; see enum lineedit_result. After LINE or TOO_LONG the editor holds an
 * empty line and no prompt is shown: the caller runs the line, then calls lineedit_prompt. */
enum lineedit_result lineedit_key(struct lineedit *le, int c);

/* Print the prompt and the line typed so far. */
void lineedit_prompt(struct lineedit *le);

/* Around other output while the prompt is shown (the log hook): hide moves to a new line so
 * that the output starts at column 0; show draws the prompt and the half-typed line again. */
void lineedit_hide(struct lineedit *le);
void lineedit_show(struct lineedit *le);
