/* SPDX-License-Identifier: BSD-2-Clause */
/* kvsnprintf and kprintf (log lines are lib/klog.c). Pure: also built for the host tests. */
#include <stdbool.h>
#include <stdint.h>
#include "lib/kprintf.h"
#include "lib/string.h"

struct out {
	char *buf;
	size_t size, len;
};

static void emit(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void emit_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

struct spec {
	bool left, zero, plus, space;
	int width, prec;
	int base;
	bool upper, is_signed;
};

static void emit_num(struct out *o, uint64_t v, bool neg, const struct spec *s)
{
	char tmp[24];
	const char *digits = s->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, sign = (neg || s->plus || s->space) ? 1 : 0;
	do {
		tmp[n++] = digits[v % (unsigned)s->base];
		v /= (unsigned)s->base;
	} while (v);
	int zeros = s->prec > n ? s->prec - n : 0;
	int pad = s->width - n - zeros - sign;
	if (s->zero && !s->left && s->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!s->left)
		emit_pad(o, ' ', pad);
	if (sign)
		emit(o, neg ? '-' : (s->plus ? '+' : ' '));
	emit_pad(o, '0', zeros);
	while (n)
		emit(o, tmp[--n]);
	if (s->left)
		emit_pad(o, ' ', pad);
}

static void emit_str(struct out *o, const char *str, const struct spec *s)
{
	if (!str)
		str = "(null)";
	size_t n = s->prec >= 0 ? strnlen(str, (size_t)s->prec) : strlen(str);
	int pad = s->width - (int)n;
	if (!s->left)
		emit_pad(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		emit(o, str[i]);
	if (s->left)
		emit_pad(o, ' ', pad);
}

static const char *parse_flags(const char *f, struct spec *s, va_list *ap)
{
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else if (*f == '+')
			s->plus = true;
		else if (*f == ' ')
			s->space = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			s->prec = s->prec * 10 + (*f++ - '0');
	}
	return f;
}

/* Length modifiers: 0 = int, 1 = long/long long/size_t/intmax/ptrdiff, -1 = short, -2 = char. */
static const char *parse_length(const char *f, int *len)
{
	*len = 0;
	if (f[0] == 'h' && f[1] == 'h') {
		*len = -2;
		return f + 2;
	}
	if (*f == 'h') {
		*len = -1;
		return f + 1;
	}
	if (f[0] == 'l' && f[1] == 'l')
		f++;
	if (*f == 'l' || *f == 'z' || *f == 'j' || *f == 't') {
		*len = 1;
		return f + 1;
	}
	return f;
}

static void emit_int(struct out *o, struct spec *s, int len, va_list *ap)
{
	if (s->is_signed) {
		int64_t v = len == 1 ? va_arg(*ap, long) : va_arg(*ap, int);
		if (len == -1)
			v = (short)v;
		else if (len == -2)
			/* %hhd sign-extends on purpose: NOLINTNEXTLINE(bugprone-signed-char-misuse) */
			v = (signed char)v;
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		emit_num(o, mag, v < 0, s);
		return;
	}
	uint64_t v = len == 1 ? (uint64_t)va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
	if (len == -1)
		v = (unsigned short)v;
	else if (len == -2)
		v = (unsigned char)v;
	s->plus = s->space = false;
	emit_num(o, v, false, s);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	va_list ap;
	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			emit(&o, *f);
			continue;
		}
		struct spec s = { .prec = -1, .base = 10 };
		int len;
		f = parse_flags(f + 1, &s, &ap);
		f = parse_length(f, &len);
		switch (*f) {
		case 'd':
		case 'i':
			s.is_signed = true;
			emit_int(&o, &s, len, &ap);
			break;
		case 'u':
			emit_int(&o, &s, len, &ap);
			break;
		case 'X':
			s.upper = true;
			/* fall through */
		case 'x':
			s.base = 16;
			emit_int(&o, &s, len, &ap);
			break;
		case 'o':
			s.base = 8;
			emit_int(&o, &s, len, &ap);
			break;
		case 'p':
			emit(&o, '0');
			emit(&o, 'x');
			s.base = 16;
			s.prec = 16;
			emit_num(&o, (uintptr_t)va_arg(ap, void *), false, &s);
			break;
		case 's':
			emit_str(&o, va_arg(ap, const char *), &s);
			break;
		case 'c':
			emit(&o, (char)va_arg(ap, int));
			break;
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			f--; /* lone '%' at the end: stop */
			break;
		default:
			emit(&o, '%');
			emit(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char line[512];
	int n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	return n;
}
