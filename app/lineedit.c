/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's line editor (app/lineedit.h). The screen is kept in step with nothing but
 * characters, backspaces and spaces (no cursor-addressing escapes), so it works on any
 * terminal and leaves a plain byte stream for logs and tests.
 */
#include <stdbool.h>
#include "app/lineedit.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define KEY_CTRL(c) ((c)&0x1f)
#define KEY_ESC	    0x1b
#define KEY_DEL	    0x7f

enum { ESC_NONE, ESC_START, ESC_CSI };

static void out(const char *s, size_t n)
{
	console_write(s, n);
}

static void out_c(char c)
{
	console_write(&c, 1);
}

static void back(unsigned n)
{
	while (n--)
		out_c('\b');
}

void lineedit_init(struct lineedit *le, const char *prompt)
{
	memset(le, 0, sizeof(*le));
	le->prompt = prompt;
}

/* Redraw from from to the end, blank `erase` stale cells after it, put the cursor back. */
static void redraw_tail(struct lineedit *le, unsigned from, unsigned erase)
{
	out(le->line + from, le->len - from);
	for (unsigned i = 0; i < erase; i++)
		out_c(' ');
	back(le->len - from + erase - (le->pos - from));
}

/* Replace the whole line (history): the cells of a longer old line are blanked. */
static void set_line(struct lineedit *le, const char *s)
{
	unsigned old = le->len, n = (unsigned)strnlen(s, LINEEDIT_MAX - 1);
	back(le->pos);
	memmove(le->line, s, n);
	le->line[n] = '\0';
	le->len = le->pos = n;
	out(le->line, n);
	for (unsigned i = n; i < old; i++)
		out_c(' ');
	back(old > n ? old - n : 0);
}

static void insert(struct lineedit *le, char c)
{
	if (le->len >= LINEEDIT_MAX - 1) {
		le->overflow = true;
		out_c('\a'); /* refused: the bell, and Enter will say why */
		return;
	}
	memmove(le->line + le->pos + 1, le->line + le->pos, le->len - le->pos);
	le->line[le->pos] = c;
	le->len++;
	le->line[le->len] = '\0';
	out_c(c);
	le->pos++;
	redraw_tail(le, le->pos, 0);
}

/* Remove n characters before the cursor. */
static void delete_back(struct lineedit *le, unsigned n)
{
	if (n > le->pos)
		n = le->pos;
	if (!n)
		return;
	memmove(le->line + le->pos - n, le->line + le->pos, le->len - le->pos);
	le->pos -= n;
	le->len -= n;
	le->line[le->len] = '\0';
	back(n);
	redraw_tail(le, le->pos, n);
}

static void move_to(struct lineedit *le, unsigned pos)
{
	if (pos < le->pos)
		back(le->pos - pos);
	else
		out(le->line + le->pos, pos - le->pos);
	le->pos = pos;
}

static const char *hist_get(const struct lineedit *le, unsigned k)
{
	return le->hist[(le->nhist - k) % LINEEDIT_HISTORY];
}

static void hist_add(struct lineedit *le)
{
	if (!le->len || (le->nhist && strcmp(hist_get(le, 1), le->line) == 0))
		return; /* empty, or the same as the last one */
	memcpy(le->hist[le->nhist % LINEEDIT_HISTORY], le->line, le->len + 1);
	le->nhist++;
}

static void browse(struct lineedit *le, int dir)
{
	unsigned have = le->nhist < LINEEDIT_HISTORY ? le->nhist : LINEEDIT_HISTORY;
	unsigned k = le->browse + (unsigned)dir;
	if (dir < 0 && !le->browse)
		return;
	if (k > have) {
		out_c('\a'); /* no older line */
		return;
	}
	if (!le->browse)
		memcpy(le->draft, le->line, le->len + 1);
	le->browse = k;
	set_line(le, k ? hist_get(le, k) : le->draft);
}

static void drop_line(struct lineedit *le)
{
	le->len = le->pos = 0;
	le->line[0] = '\0';
	le->overflow = false;
	le->browse = 0;
}

static enum lineedit_result enter(struct lineedit *le)
{
	bool too_long = le->overflow;
	out_c('\n');
	le->shown = false;
	if (too_long) {
		drop_line(le);
		return LINEEDIT_TOO_LONG;
	}
	hist_add(le);
	le->browse = 0;
	le->len = le->pos = 0; /* line[] keeps the text for the caller until the next key */
	return LINEEDIT_LINE;
}

static void word_back(struct lineedit *le)
{
	unsigned p = le->pos;
	while (p && le->line[p - 1] == ' ')
		p--;
	while (p && le->line[p - 1] != ' ')
		p--;
	delete_back(le, le->pos - p);
}

/* The last byte of ESC [ n X or ESC O X. */
static void escape_final(struct lineedit *le, int c)
{
	unsigned n = le->esc_param;
	if (c == 'A')
		browse(le, 1);
	else if (c == 'B')
		browse(le, -1);
	else if (c == 'C' && le->pos < le->len)
		move_to(le, le->pos + 1);
	else if (c == 'D' && le->pos)
		move_to(le, le->pos - 1);
	else if (c == 'H' || (c == '~' && (n == 1 || n == 7)))
		move_to(le, 0);
	else if (c == 'F' || (c == '~' && (n == 4 || n == 8)))
		move_to(le, le->len);
	else if (c == '~' && n == 3 && le->pos < le->len) {
		move_to(le, le->pos + 1);
		delete_back(le, 1);
	}
}

/* Returns true while c belongs to an escape sequence. */
static bool escape_key(struct lineedit *le, int c)
{
	switch (le->esc) {
	case ESC_START:
		le->esc = (c == '[' || c == 'O') ? ESC_CSI : ESC_NONE;
		le->esc_param = 0;
		return true;
	case ESC_CSI:
		if (c >= '0' && c <= '9') {
			if (le->esc_param < 1000)
				le->esc_param = le->esc_param * 10 + (unsigned)(c - '0');
			return true;
		}
		if (c < 0x40 || c > 0x7e)
			return true; /* ';', other parameters and intermediates of a key we do not know */
		le->esc = ESC_NONE;
		escape_final(le, c);
		return true;
	default:
		if (c != KEY_ESC)
			return false;
		le->esc = ESC_START;
		return true;
	}
}

static enum lineedit_result control_key(struct lineedit *le, int c)
{
	if (c == '\r' || c == '\n')
		return enter(le);
	if (c == KEY_DEL || c == '\b')
		delete_back(le, 1);
	else if (c == KEY_CTRL('U') || c == KEY_CTRL('C')) {
		out(c == KEY_CTRL('C') ? "^C\n" : "\n", c == KEY_CTRL('C') ? 3 : 1);
		drop_line(le);
		lineedit_prompt(le);
	} else if (c == KEY_CTRL('W'))
		word_back(le);
	else if (c == KEY_CTRL('A'))
		move_to(le, 0);
	else if (c == KEY_CTRL('E'))
		move_to(le, le->len);
	return LINEEDIT_NONE; /* other control characters are ignored */
}

enum lineedit_result lineedit_key(struct lineedit *le, int c)
{
	bool lf_of_crlf = le->after_cr && c == '\n';
	le->after_cr = c == '\r';
	if (lf_of_crlf || escape_key(le, c))
		return LINEEDIT_NONE;
	if (c >= ' ' && c < KEY_DEL) {
		insert(le, (char)c);
		return LINEEDIT_NONE;
	}
	return control_key(le, c);
}

void lineedit_prompt(struct lineedit *le)
{
	out(le->prompt, strlen(le->prompt));
	out(le->line, le->len);
	back(le->len - le->pos);
	le->shown = true;
	le->hidden = false;
}

void lineedit_hide(struct lineedit *le)
{
	if (!le->shown)
		return;
	out_c('\n');
	le->shown = false;
	le->hidden = true;
}

void lineedit_show(struct lineedit *le)
{
	if (!le->hidden)
		return;
	le->hidden = false;
	lineedit_prompt(le);
}
