package io.tokenguard.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The hosts whose requests tokenguard touches, from a comma list of {@code host}, {@code host:port},
 * {@code *.suffix} (any subdomain of suffix, at any depth, but not suffix itself) and bracketed IPv6 literals
 * ({@code [::1]}, {@code [::1]:8443}). An entry without a port matches every port.
 *
 * <p>{@link #matches} runs on every request: it allocates nothing, compares ASCII case-insensitively and
 * ignores one trailing dot on the request host.
 */
public final class HostMatcher {
    private static final HostMatcher NONE = new HostMatcher(new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>(), new ArrayList<>(), new ArrayList<>());

    private static final int V6_VALID = 0;
    private static final int V6_HIGH = 1;
    private static final int V6_LOW = 2;

    /** Exact names, lower case, no trailing dot. */
    private final String[] names;
    private final int[] namePorts;
    /** Suffixes with their leading dot ({@code .example.com}), lower case. */
    private final String[] suffixes;
    private final int[] suffixPorts;
    /** IPv6 literals as two 64-bit halves. */
    private final long[] v6High;
    private final long[] v6Low;
    private final int[] v6Ports;
    private final List<String> entries;
    private final String text;

    private HostMatcher(List<String> names, List<String> suffixes, List<long[]> v6,
            List<Integer> ports, List<String> entries) {
        // ports holds, in order: one port per name, then per suffix, then per v6 literal
        this.names = names.toArray(new String[0]);
        this.suffixes = suffixes.toArray(new String[0]);
        this.namePorts = new int[names.size()];
        this.suffixPorts = new int[suffixes.size()];
        this.v6High = new long[v6.size()];
        this.v6Low = new long[v6.size()];
        this.v6Ports = new int[v6.size()];
        int p = 0;
        for (int i = 0; i < namePorts.length; i++) {
            namePorts[i] = ports.get(p++);
        }
        for (int i = 0; i < suffixPorts.length; i++) {
            suffixPorts[i] = ports.get(p++);
        }
        for (int i = 0; i < v6Ports.length; i++) {
            v6High[i] = v6.get(i)[0];
            v6Low[i] = v6.get(i)[1];
            v6Ports[i] = ports.get(p++);
        }
        this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
        this.text = String.join(",", entries);
    }

    /** A matcher that matches nothing. */
    public static HostMatcher none() {
        return NONE;
    }

    /**
     * Parses a comma list (spaces around the commas are fine).
     *
     * @throws ConfigException naming {@code hosts} for an empty list, an empty entry, a bad name or port
     */
    public static HostMatcher parse(String list) throws ConfigException {
        if (list == null || list.trim().isEmpty()) {
            throw new ConfigException("hosts", Settings.PREFIX + "hosts: no hosts given; set tokenguard.hosts="
                    + "api.example.com (a comma list of host, host:port or *.domain) or tokenguard.preset=claude-code");
        }
        List<String> names = new ArrayList<>();
        List<Integer> namePorts = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<Integer> suffixPorts = new ArrayList<>();
        List<long[]> v6 = new ArrayList<>();
        List<Integer> v6Ports = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (String raw : list.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                throw bad(list, "has an empty entry; remove the extra comma");
            }
            for (int i = 0; i < entry.length(); i++) {
                char c = entry.charAt(i);
                if (c <= ' ' || c == 0x7f) {
                    throw bad(entry, "contains a space or control character; separate entries with commas");
                }
            }
            String host;
            int port = -1;
            if (entry.charAt(0) == '[') {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw bad(entry, "has no closing ]; write IPv6 addresses as [::1] or [::1]:8443");
                }
                host = entry.substring(1, close);
                String rest = entry.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (rest.charAt(0) != ':') {
                        throw bad(entry, "has text after ]; write IPv6 addresses as [::1] or [::1]:8443");
                    }
                    port = port(entry, rest.substring(1));
                }
                long[] address = ipv6(host);
                if (address == null) {
                    throw bad(entry, "is not an IPv6 address; write IPv6 addresses as [::1] or [::1]:8443");
                }
                v6.add(address);
                v6Ports.add(port);
                entries.add("[" + canonicalV6(address) + "]" + (port < 0 ? "" : ":" + port));
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
                // a bare IPv6 literal, no port possible
                long[] address = ipv6(entry);
                if (address == null) {
                    throw bad(entry, "is not a host name or IPv6 address; write IPv6 addresses in brackets, "
                            + "e.g. [::1]:8443");
                }
                v6.add(address);
                v6Ports.add(-1);
                entries.add("[" + canonicalV6(address) + "]");
                continue;
            }
            if (colon >= 0) {
                host = entry.substring(0, colon);
                port = port(entry, entry.substring(colon + 1));
            } else {
                host = entry;
            }
            host = host.toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            String suffix = null;
            if (host.startsWith("*.")) {
                suffix = host.substring(2);
                if (suffix.indexOf('.') < 0) {
                    throw bad(entry, "would match every host under a top-level domain; name the domain, "
                            + "e.g. *.example.com");
                }
                host = suffix;
            } else if (host.equals("*")) {
                throw bad(entry, "would send the token to every host; list the API hosts, e.g. api.example.com");
            }
            if (!validName(host)) {
                throw bad(entry, "is not a host name; use host, host:port or *.domain, e.g. api.example.com, "
                        + "localhost:8080, *.example.com");
            }
            String normalized = (suffix != null ? "*." : "") + host + (port < 0 ? "" : ":" + port);
            if (suffix != null) {
                suffixes.add("." + suffix);
                suffixPorts.add(port);
            } else {
                names.add(host);
                namePorts.add(port);
            }
            entries.add(normalized);
        }
        List<Integer> ports = new ArrayList<>(namePorts);
        ports.addAll(suffixPorts);
        ports.addAll(v6Ports);
        return new HostMatcher(names, suffixes, v6, ports, entries);
    }

    /**
     * Whether a request to {@code host} on {@code port} (the effective port: 80 or 443 already substituted for
     * a missing one) is guarded. {@code host} may be a name (any case, one trailing dot ignored), an IPv4
     * literal or an IPv6 literal with or without brackets.
     */
    public boolean matches(String host, int port) {
        if (host == null) {
            return false;
        }
        int from = 0;
        int to = host.length();
        if (to == 0) {
            return false;
        }
        if (host.charAt(0) == '[') {
            if (to < 3 || host.charAt(to - 1) != ']') {
                return false;
            }
            from = 1;
            to--;
            return matchesV6(host, from, to, port);
        }
        if (host.indexOf(':') >= 0) {
            return matchesV6(host, from, to, port);
        }
        if (host.charAt(to - 1) == '.') {
            to--;
        }
        int len = to - from;
        if (len == 0) {
            return false;
        }
        String[] names = this.names;
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            if (name.length() == len && portMatches(namePorts[i], port) && equalsLower(host, from, name, len)) {
                return true;
            }
        }
        String[] suffixes = this.suffixes;
        for (int i = 0; i < suffixes.length; i++) {
            String suffix = suffixes[i];
            int sl = suffix.length();
            if (sl < len && portMatches(suffixPorts[i], port) && equalsLower(host, to - sl, suffix, sl)) {
                return true;
            }
        }
        return false;
    }

    /** Whether no entry was given (only {@link #none()}). */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The normalized entries, e.g. {@code [api.example.com, *.example.org:8443, [::1]]}. */
    public List<String> entries() {
        return entries;
    }

    /** The normalized entries joined by commas, e.g. {@code api.example.com,*.example.org:8443,[::1]}. */
    @Override
    public String toString() {
        return text;
    }

    private boolean matchesV6(String host, int from, int to, int port) {
        if (v6Ports.length == 0) {
            return false;
        }
        int zone = host.indexOf('%', from);
        if (zone >= 0 && zone < to) {
            to = zone;
        }
        if (parseV6(host, from, to, V6_VALID) == 0) {
            return false;
        }
        long high = parseV6(host, from, to, V6_HIGH);
        long low = parseV6(host, from, to, V6_LOW);
        for (int i = 0; i < v6Ports.length; i++) {
            if (v6High[i] == high && v6Low[i] == low && portMatches(v6Ports[i], port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean portMatches(int entryPort, int port) {
        return entryPort < 0 || entryPort == port;
    }

    /** ASCII-only case-insensitive comparison of {@code host[off, off+len)} with lower-case {@code lower}. */
    private static boolean equalsLower(String host, int off, String lower, int len) {
        for (int i = 0; i < len; i++) {
            char c = host.charAt(off + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean validName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++labelLength > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return labelLength > 0;
    }

    private static int port(String entry, String text) throws ConfigException {
        if (text.isEmpty() || text.length() > 5) {
            throw bad(entry, "has a bad port; use a number from 1 to 65535, e.g. localhost:8080");
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(entry, "has a bad port; use a number from 1 to 65535, e.g. localhost:8080");
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw bad(entry, "has a bad port; use a number from 1 to 65535, e.g. localhost:8080");
        }
        return port;
    }

    private static ConfigException bad(String entry, String problem) {
        return new ConfigException("hosts", Settings.PREFIX + "hosts: " + Settings.quote(entry) + " " + problem);
    }

    // ---- IPv6 literals -------------------------------------------------------------------------------

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
    private static long parseV6(String s, int from, int to, int what) {
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
