/*
 * The little JSON the file layer (host_files.c) speaks with the host's file service, below Python (CPython calls
 * open/stat/readdir with its lock released, so no Python object may be touched there): strings written and read
 * back, an array of strings, and the numbers and booleans of one flat object. The replies come from the host's
 * Jackson, so they are well formed; the parsing still checks every bound and fails (returns -1) rather than guess.
 */
#include <string.h>
#include "python.h"

/* Whether bytes are UTF-8 the host's decoder accepts (no overlong forms, no surrogates, nothing past U+10FFFF). */
int json_is_utf8(const char *text, size_t length) {
    const unsigned char *s = (const unsigned char *)text, *end = s + length;
    while (s < end) {
        unsigned c = *s++;
        if (c < 0x80) continue;
        int more = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
        if (more < 0 || c > 0xf4 || end - s < more) return 0;
        unsigned lo = 0x80, hi = 0xbf; /* the second byte's range, narrower after e0, ed, f0, f4 */
        if (c == 0xe0) lo = 0xa0;
        else if (c == 0xed) hi = 0x9f;
        else if (c == 0xf0) lo = 0x90;
        else if (c == 0xf4) hi = 0x8f;
        if (s[0] < lo || s[0] > hi) return 0;
        for (int i = 1; i < more; i++) if ((s[i] & 0xc0) != 0x80) return 0;
        s += more;
    }
    return 1;
}

/* Appends text as a JSON string (quotes included) to out, which has room for capacity bytes; returns the new length,
   or (size_t)-1 when it does not fit. The text must be UTF-8 (json_is_utf8). */
size_t json_put_string(char *out, size_t at, size_t capacity, const char *text, size_t length) {
    static const char hex[] = "0123456789abcdef";
    if (at >= capacity) return (size_t)-1;
    out[at++] = '"';
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        char escaped[6];
        size_t n = 0;
        if (c == '"' || c == '\\') { escaped[n++] = '\\'; escaped[n++] = (char)c; }
        else if (c < 0x20 || c == 0x7f) {
            escaped[n++] = '\\'; escaped[n++] = 'u'; escaped[n++] = '0'; escaped[n++] = '0';
            escaped[n++] = hex[c >> 4]; escaped[n++] = hex[c & 15];
        } else escaped[n++] = (char)c;
        if (capacity - at < n) return (size_t)-1;
        memcpy(out + at, escaped, n);
        at += n;
    }
    if (at >= capacity) return (size_t)-1;
    out[at++] = '"';
    return at;
}

/* The length json_put_string writes for text, quotes included. */
size_t json_string_size(const char *text, size_t length) {
    size_t n = 2;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        n += c == '"' || c == '\\' ? 2 : c < 0x20 || c == 0x7f ? 6 : 1;
    }
    return n;
}

static int hex_value(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static long read_hex4(const char *s, const char *end) {
    if (end - s < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(s[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t put_utf8(char *out, unsigned long cp) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xc0 | cp >> 6); out[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12); out[1] = (char)(0x80 | (cp >> 6 & 63)); out[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18); out[1] = (char)(0x80 | (cp >> 12 & 63));
    out[2] = (char)(0x80 | (cp >> 6 & 63)); out[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* Reads the JSON string at *at (its opening quote) into out as UTF-8; the decoded text is never longer than the
   encoded one, so out needs (end - *at) bytes at most. Returns the decoded length and moves *at past the closing
   quote, or returns -1. */
long json_get_string(const char **at, const char *end, char *out) {
    const char *s = *at;
    if (s >= end || *s != '"') return -1;
    s++;
    size_t n = 0;
    while (s < end && *s != '"') {
        if (*s != '\\') { out[n++] = *s++; continue; }
        if (++s >= end) return -1;
        char c = *s++;
        switch (c) {
        case '"': case '\\': case '/': out[n++] = c; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            long cp = read_hex4(s, end);
            if (cp < 0) return -1;
            s += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) { /* a pair: \uD8xx\uDCxx */
                long low = end - s >= 6 && s[0] == '\\' && s[1] == 'u' ? read_hex4(s + 2, end) : -1;
                if (low < 0xdc00 || low > 0xdfff) return -1;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                s += 6;
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                return -1;
            }
            n += put_utf8(out + n, (unsigned long)cp);
            break;
        }
        default: return -1;
        }
    }
    if (s >= end) return -1;
    *at = s + 1;
    return (long)n;
}

static const char *skip_space(const char *s, const char *end) {
    while (s < end && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) s++;
    return s;
}

/* Calls each(name, length, context) for the strings of a JSON array of strings; returns their count, or -1 when the
   text is not one (scratch needs as many bytes as the text). */
long json_each_string(const char *text, size_t length, char *scratch,
                      int (*each)(const char *, size_t, void *), void *context) {
    const char *s = skip_space(text, text + length), *end = text + length;
    long count = 0;
    if (s >= end || *s++ != '[') return -1;
    s = skip_space(s, end);
    if (s < end && *s == ']') return 0;
    for (;;) {
        s = skip_space(s, end);
        long n = json_get_string(&s, end, scratch);
        if (n < 0 || each(scratch, (size_t)n, context) != 0) return -1;
        count++;
        s = skip_space(s, end);
        if (s >= end) return -1;
        if (*s == ']') return count;
        if (*s++ != ',') return -1;
    }
}

/* The value of "key" in a flat JSON object whose values are numbers or booleans (true is 1, false 0); returns 0 and
   sets *value, or -1 when the key is absent or its value is neither. */
int json_get_number(const char *text, size_t length, const char *key, long long *value) {
    size_t key_length = strlen(key);
    const char *end = text + length;
    for (const char *s = text; s + key_length + 2 < end; s++) {
        if (s[0] != '"' || memcmp(s + 1, key, key_length) != 0 || s[key_length + 1] != '"') continue;
        const char *v = skip_space(s + key_length + 2, end);
        if (v >= end || *v++ != ':') continue;
        v = skip_space(v, end);
        if (end - v >= 4 && memcmp(v, "true", 4) == 0) { *value = 1; return 0; }
        if (end - v >= 5 && memcmp(v, "false", 5) == 0) { *value = 0; return 0; }
        int negative = v < end && *v == '-';
        if (negative) v++;
        if (v >= end || *v < '0' || *v > '9') return -1;
        long long n = 0;
        while (v < end && *v >= '0' && *v <= '9' && n < (long long)1e17) n = n * 10 + (*v++ - '0');
        *value = negative ? -n : n;
        return 0;
    }
    return -1;
}
