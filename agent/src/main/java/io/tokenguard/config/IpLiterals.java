package io.tokenguard.config;

/**
 * IPv6 and IPv4 literal parsing for {@link HostMatcher}. {@link #parseV6} and {@link #ipv4} allocate nothing,
 * so they are safe on the per-request path.
 */
final class IpLiterals {
    static final int V6_VALID = 0;
    static final int V6_HIGH = 1;
    static final int V6_LOW = 2;

    private IpLiterals() {
    }

    /** The address as {high, low}, or null when {@code text} (no brackets, no zone) is not an IPv6 literal. */
    static long[] ipv6(String text) {
        int to = text.length();
        if (parseV6(text, 0, to, V6_VALID) == 0) {
            return null;
        }
        return new long[] {parseV6(text, 0, to, V6_HIGH), parseV6(text, 0, to, V6_LOW)};
    }

    /** Whether {@code text} (brackets allowed) is the IPv6 loopback address in any spelling. */
    static boolean isV6Loopback(String text) {
        int from = 0;
        int to = text.length();
        if (to >= 2 && text.charAt(0) == '[' && text.charAt(to - 1) == ']') {
            from = 1;
            to--;
        }
        return parseV6(text, from, to, V6_VALID) == 1 && parseV6(text, from, to, V6_HIGH) == 0
                && parseV6(text, from, to, V6_LOW) == 1;
    }

    /** RFC 5952 form: lower case, longest run (of two or more) of zero groups as {@code ::}. */
    static String canonicalV6(long[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (address[0] >>> (48 - 16 * i)) & 0xffff;
            groups[i + 4] = (int) (address[1] >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /**
     * Parses the IPv6 literal {@code s[from, to)} without allocating. {@code what} selects the result:
     * {@link #V6_VALID} gives 1 for a valid literal, else 0; {@link #V6_HIGH} and {@link #V6_LOW} give the
     * halves of a valid one.
     */
    static long parseV6(String s, int from, int to, int what) {
        long headHigh = 0;
        long headLow = 0;
        long tailHigh = 0;
        long tailLow = 0;
        int headGroups = 0;
        int tailGroups = 0;
        boolean compressed = false;
        int i = from;
        if (to - from < 2) {
            return what == V6_VALID ? 0 : -1;
        }
        if (s.charAt(i) == ':') {
            if (s.charAt(i + 1) != ':') {
                return what == V6_VALID ? 0 : -1;
            }
            compressed = true;
            i += 2;
        }
        while (i < to) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 5) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0 || s.charAt(i) > 'f') {
                    break;
                }
                value = (value << 4) | d;
                i++;
            }
            int groups;
            long bits;
            if (i < to && s.charAt(i) == '.') {
                // dotted IPv4 in the last 32 bits
                long v4 = ipv4(s, start, to);
                if (v4 < 0) {
                    return what == V6_VALID ? 0 : -1;
                }
                groups = 2;
                bits = v4;
                i = to;
            } else {
                if (i == start || i - start > 4) {
                    return what == V6_VALID ? 0 : -1;
                }
                groups = 1;
                bits = value;
            }
            if (compressed) {
                tailHigh = (tailHigh << (16 * groups)) | (tailLow >>> (64 - 16 * groups));
                tailLow = (tailLow << (16 * groups)) | bits;
                tailGroups += groups;
            } else {
                headHigh = (headHigh << (16 * groups)) | (headLow >>> (64 - 16 * groups));
                headLow = (headLow << (16 * groups)) | bits;
                headGroups += groups;
            }
            if (headGroups + tailGroups > 8) {
                return what == V6_VALID ? 0 : -1;
            }
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return what == V6_VALID ? 0 : -1;
            }
            i++;
            if (i == to) {
                return what == V6_VALID ? 0 : -1; // a single trailing colon
            }
            if (s.charAt(i) == ':') {
                if (compressed) {
                    return what == V6_VALID ? 0 : -1;
                }
                compressed = true;
                i++;
            }
        }
        int total = headGroups + tailGroups;
        if (compressed ? total > 7 : total != 8) {
            return what == V6_VALID ? 0 : -1;
        }
        if (what == V6_VALID) {
            return 1;
        }
        // address = head << 16 * (8 - headGroups) | tail
        int shift = 16 * (8 - headGroups);
        long high;
        long low;
        if (shift == 0) {
            high = headHigh;
            low = headLow;
        } else if (shift >= 128) {
            high = 0;
            low = 0;
        } else if (shift >= 64) {
            high = headLow << (shift - 64);
            low = 0;
        } else {
            high = (headHigh << shift) | (headLow >>> (64 - shift));
            low = headLow << shift;
        }
        high |= tailHigh;
        low |= tailLow;
        return what == V6_HIGH ? high : low;
    }

    /** The dotted quad {@code s[from, to)} as an unsigned 32-bit value, or -1. */
    static long ipv4(String s, int from, int to) {
        long result = 0;
        int parts = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 4) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            if (i == start || i - start > 3 || value > 255) {
                return -1;
            }
            result = (result << 8) | value;
            parts++;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
        return parts == 4 ? result : -1;
    }
}
