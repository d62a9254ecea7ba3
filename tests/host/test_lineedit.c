/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's line editor, through a tiny terminal model: the bytes it writes (characters,
 * backspace, newline, bell) are played onto a screen, and what a user would see is checked.
 */
#include <stdbool.h>
#include <string.h>
#include "app/lineedit.h"
#include "tests/host/test.h"

static struct lineedit le;
static char row[256]; /* the current screen row */
static unsigned col, bells, newlines;
static size_t played;

/* Play the console output written since the last call onto the screen row. */
static void play(void)
{
	for (; played < host_console_len; played++) {
		char c = host_console[played];
		if (c == '\b') {
			ok(col > 0, "backspace at column 0");
			if (col)
				col--;
		} else if (c == '\n') {
			memset(row, 0, sizeof(row));
			col = 0;
			newlines++;
		} else if (c == '\a') {
			bells++;
		} else {
			row[col++] = c;
		}
	}
}

static void reset_screen(void)
{
	host_console_clear();
	played = 0;
	memset(row, 0, sizeof(row));
	col = bells = newlines = 0;
}

/* Type the bytes of s; returns the result of the last one. */
static enum lineedit_result type(const char *s)
{
	enum lineedit_result r = LINEEDIT_NONE;
	for (; *s; s++)
		r = lineedit_key(&le, (unsigned char)*s);
	play();
	return r;
}

/* What the row shows (trailing blanks dropped) and where the cursor is. */
static bool screen_is(const char *want, unsigned want_col)
{
	char shown[256];
	size_t n = strlen(row);
	memcpy(shown, row, n);
	while (n && shown[n - 1] == ' ')
		n--;
	shown[n] = '\0';
	if (strcmp(shown, want) != 0 || col != want_col) {
		printf("  screen \"%s\" cursor %u, want \"%s\" cursor %u\n", shown, col, want,
		       want_col);
		return false;
	}
	return true;
}

static void start(void)
{
	reset_screen();
	lineedit_prompt(&le);
	play();
}

static void test_typing_and_editing(void)
{
	lineedit_init(&le, "> ");
	start();
	ok(screen_is(">", 2), "prompt");
	ok(type("helx\x7fp") == LINEEDIT_NONE && screen_is("> help", 6), "backspace");
	ok(type("\r") == LINEEDIT_LINE && !strcmp(le.line, "help"), "line \"%s\"", le.line);
	ok(newlines == 1, "Enter printed %u newlines", newlines);

	start();
	type("abc\x1b[D\x1b[DX"); /* Left Left X */
	ok(screen_is("> aXbc", 4), "insert in the middle");
	type("\x1b[3~"); /* Delete: the 'b' under the cursor */
	ok(screen_is("> aXc", 4) && !strcmp(le.line, "aXc"), "delete \"%s\"", le.line);
	type("\x01Z\x05!"); /* Ctrl-A Z Ctrl-E ! */
	ok(screen_is("> ZaXc!", 7), "Ctrl-A / Ctrl-E");
	type("\x1b[H_\x1b[F\x1bOH-"); /* Home _ End, ESC O H (Home) - */
	ok(screen_is("> -_ZaXc!", 3), "Home/End escapes");
	type("\x1b[F one two\x17"); /* End, " one two", Ctrl-W */
	ok(screen_is("> -_ZaXc! one", 14) && !strcmp(le.line, "-_ZaXc! one "),
	   "Ctrl-W \"%s\"", le.line);
	type("\x15"); /* Ctrl-U: new prompt, empty line */
	ok(screen_is(">", 2) && le.len == 0, "Ctrl-U");
	type("junk\x03");
	ok(screen_is(">", 2) && le.len == 0, "Ctrl-C");
	ok(type("\r") == LINEEDIT_LINE && le.line[0] == '\0', "empty line");
}

static void test_unknown_keys_are_not_typed(void)
{
	lineedit_init(&le, "> ");
	start();
	type("a\x1b[20~\x1b[1;5C\x1bxb\t\x02"); /* F9, Ctrl-Right, Alt-x, Tab, Ctrl-B */
	ok(screen_is("> ab", 4) && !strcmp(le.line, "ab"), "unknown keys typed: \"%s\"", le.line);
}

static void test_crlf_is_one_enter(void)
{
	lineedit_init(&le, "> ");
	start();
	ok(type("x\r") == LINEEDIT_LINE, "CR");
	ok(lineedit_key(&le, '\n') == LINEEDIT_NONE, "the LF of CR LF ran a second line");
	ok(type("y\n") == LINEEDIT_LINE && !strcmp(le.line, "y"), "LF alone");
}

static void test_history(void)
{
	char want[32];
	lineedit_init(&le, "> ");
	for (int i = 0; i < 20; i++) {
		char cmd[16];
		snprintf(cmd, sizeof(cmd), "cmd%d\r", i);
		start();
		type(cmd);
	}
	start();
	type("cmd19\r"); /* the same as the last: not kept twice */
	start();
	type("draft");
	type("\x1b[A");
	ok(screen_is("> cmd19", 7), "Up");
	type("\x1b[A");
	ok(screen_is("> cmd18", 7), "Up twice (duplicate kept once)");
	type("\x1b[B\x1b[B");
	ok(screen_is("> draft", 7), "Down back to the draft");
	for (int i = 0; i < LINEEDIT_HISTORY; i++)
		type("\x1b[A");
	snprintf(want, sizeof(want), "> cmd%d", 20 - LINEEDIT_HISTORY);
	ok(screen_is(want, (unsigned)strlen(want)), "oldest kept line");
	bells = 0;
	type("\x1b[A");
	ok(bells == 1 && screen_is(want, (unsigned)strlen(want)), "past the oldest: bell");
	type("\x7f" "99\r");
	ok(!strcmp(le.line, "cmd99"), "edited history line \"%s\"", le.line);
	/* a long line replaced by a short one leaves no stale characters */
	start();
	type("a much longer line than the next\x1b[A");
	ok(screen_is("> cmd99", 7), "stale characters after a shorter history line");
}

static void test_overlong_line_is_refused(void)
{
	lineedit_init(&le, "> ");
	start();
	for (int i = 0; i < LINEEDIT_MAX + 10; i++)
		type("x");
	ok(le.len == LINEEDIT_MAX - 1, "kept %u characters", le.len);
	ok(bells == 11, "bells %u", bells);
	ok(type("\r") == LINEEDIT_TOO_LONG, "over-long line ran");
	start();
	ok(type("ok\r") == LINEEDIT_LINE && !strcmp(le.line, "ok"), "next line after a long one");
}

static void test_hide_and_show_around_output(void)
{
	lineedit_init(&le, "> ");
	start();
	type("ab\x1b[D");
	lineedit_hide(&le);
	play();
	ok(newlines == 1 && col == 0, "hide leaves the cursor at column 0");
	lineedit_show(&le);
	play();
	ok(screen_is("> ab", 3), "show redraws the half-typed line");
	lineedit_show(&le);
	play();
	ok(screen_is("> ab", 3), "show twice drew twice");
	ok(type("c\r") == LINEEDIT_LINE && !strcmp(le.line, "acb"), "line \"%s\"", le.line);
	reset_screen();
	lineedit_hide(&le); /* not shown (a command is running): nothing */
	play();
	ok(host_console_len == 0, "hide printed while no prompt was shown");
}

int main(void)
{
	test_typing_and_editing();
	test_unknown_keys_are_not_typed();
	test_crlf_is_one_enter();
	test_history();
	test_overlong_line_is_refused();
	test_hide_and_show_around_output();
	TEST_DONE();
}
