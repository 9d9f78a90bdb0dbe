package io.tokenguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HostMatcherTest {

    private static HostMatcher parse(String list) throws ConfigException {
        return HostMatcher.parse(list);
    }

    @Test
    void exactHostMatchesAnyPortCaseInsensitiveTrailingDot() throws ConfigException {
        HostMatcher m = parse("api.example.com");
        assertTrue(m.matches("api.example.com", 443));
        assertTrue(m.matches("api.example.com", 80));
        assertTrue(m.matches("API.Example.COM", 8443));
        assertTrue(m.matches("api.example.com.", 443));
        assertFalse(m.matches("api.example.com..", 443));
        assertFalse(m.matches("example.com", 443));
        assertFalse(m.matches("x.api.example.com", 443));
        assertFalse(m.matches("api.example.co", 443));
        assertFalse(m.matches("", 443));
        assertFalse(m.matches(null, 443));
        assertFalse(m.matches(".", 443));
    }

    @Test
    void lookalikesDoNotMatch() throws ConfigException {
        HostMatcher m = parse("api.example.com");
        assertFalse(m.matches("api.example.com.evil.test", 443));
        assertFalse(m.matches("evilapi.example.com", 443));
        assertFalse(m.matches("api-example.com", 443));
        assertFalse(m.matches("api.example.com\u0000", 443));
        assertFalse(m.matches("api.e\u212Aample.com", 443)); // Kelvin sign is not a k
        HostMatcher k = parse("api.kelvin.com");
        assertFalse(k.matches("api.\u212Aelvin.com", 443));
        HostMatcher wildcard = parse("*.example.com");
        assertFalse(wildcard.matches("a.example.com.evil.test", 443));
        assertFalse(wildcard.matches("evilexample.com", 443));
        assertFalse(wildcard.matches("example.com", 443));
        assertFalse(wildcard.matches(".example.com", 443));
    }

    @Test
    void wildcardMatchesSubdomainsAtAnyDepth() throws ConfigException {
        HostMatcher m = parse("*.example.com");
        assertTrue(m.matches("a.example.com", 443));
        assertTrue(m.matches("a.b.example.com", 443));
        assertTrue(m.matches("A.EXAMPLE.COM.", 80));
        assertEquals("*.example.com", m.toString());
    }

    @Test
    void portSpecificEntries() throws ConfigException {
        HostMatcher m = parse("localhost:8080, *.internal.test:8443, api.example.com");
        assertTrue(m.matches("localhost", 8080));
        assertFalse(m.matches("localhost", 80));
        assertFalse(m.matches("localhost", 443));
        assertTrue(m.matches("svc.internal.test", 8443));
        assertFalse(m.matches("svc.internal.test", 443));
        assertTrue(m.matches("api.example.com", 1234));
        assertEquals("localhost:8080,*.internal.test:8443,api.example.com", m.toString());
        assertEquals(Arrays.asList("localhost:8080", "*.internal.test:8443", "api.example.com"), m.entries());
    }

    @Test
    void ipLiterals() throws ConfigException {
        HostMatcher m = parse("[::1]:8443,127.0.0.1,[2001:DB8:0:0:0:0:0:1]");
        assertTrue(m.matches("[::1]", 8443));
        assertTrue(m.matches("::1", 8443));
        assertTrue(m.matches("[0:0:0:0:0:0:0:1]", 8443));
        assertFalse(m.matches("[::1]", 443));
        assertFalse(m.matches("[::2]", 8443));
        assertTrue(m.matches("127.0.0.1", 9));
        assertFalse(m.matches("127.0.0.2", 9));
        assertTrue(m.matches("[2001:db8::1]", 443));
        assertTrue(m.matches("2001:0db8:0000::0001", 443));
        assertFalse(m.matches("[2001:db8::1:0]", 443));
        assertFalse(m.matches("[::1", 8443));
        assertFalse(m.matches("[]", 8443));
        assertFalse(m.matches("[:::1]", 8443));
        assertEquals("[::1]:8443,127.0.0.1,[2001:db8::1]", m.toString());
        assertTrue(parse("[::ffff:10.0.0.1]").matches("::ffff:a00:1", 443));
        assertTrue(parse("::1").matches("[::1]", 1));
    }

    @Test
    void ipv6Parsing() {
        assertTrue(HostMatcher.isV6Loopback("::1"));
        assertTrue(HostMatcher.isV6Loopback("[::1]"));
        assertTrue(HostMatcher.isV6Loopback("0:0:0:0:0:0:0:1"));
        assertTrue(HostMatcher.isV6Loopback("0::0:1"));
        assertFalse(HostMatcher.isV6Loopback("::"));
        assertFalse(HostMatcher.isV6Loopback("1::"));
        assertFalse(HostMatcher.isV6Loopback("::1:"));
        assertFalse(HostMatcher.isV6Loopback("1:2:3:4:5:6:7:8:9"));
        assertFalse(HostMatcher.isV6Loopback("0:0:0:0:0:0:0:0:1"));
        assertEquals("::", HostMatcher.canonicalV6(HostMatcher.ipv6("::")));
        assertEquals("1::", HostMatcher.canonicalV6(HostMatcher.ipv6("1::")));
        assertEquals("1:2:3:4:5:6:7:8", HostMatcher.canonicalV6(HostMatcher.ipv6("1:2:3:4:5:6:7:8")));
        assertEquals("1:0:3:4:5:6:7:8", HostMatcher.canonicalV6(HostMatcher.ipv6("1::3:4:5:6:7:8")));
        assertEquals("fe80::1:2", HostMatcher.canonicalV6(HostMatcher.ipv6("FE80:0:0:0:0:0:1:2")));
        assertEquals("::ffff:c000:201", HostMatcher.canonicalV6(HostMatcher.ipv6("::ffff:192.0.2.1")));
        assertEquals(null, HostMatcher.ipv6("1:2:3:4:5:6:7:8::"));
        assertEquals(null, HostMatcher.ipv6("12345::"));
        assertEquals(null, HostMatcher.ipv6("::g"));
        assertEquals(null, HostMatcher.ipv6("::1.2.3"));
        assertEquals(null, HostMatcher.ipv6("::256.1.1.1"));
        assertEquals(null, HostMatcher.ipv6("1::2::3"));
    }

    @Test
    void invalidEntriesNameTheKey() {
        for (String bad : new String[] {"", " ", "a.com,", ",a.com", "a.com,,b.com", "a.com b.com", "a.com:0",
                "a.com:65536", "a.com:http", "a.com:", "*", "*.com", "a.*.com", "*.*.example.com", "exa mple.com",
                "[::1", "[::1]x", "[::1]:", "[nothost]", "ex@mple.com", "a..com", "http://a.com", "a.com/path",
                "1:2:3", "tab\t.com"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> HostMatcher.parse(bad), bad);
            assertEquals("hosts", e.key());
            assertTrue(e.getMessage().startsWith("tokenguard.hosts: "), e.getMessage());
        }
    }

    @Test
    void noneMatchesNothing() {
        assertFalse(HostMatcher.none().matches("localhost", 80));
        assertTrue(HostMatcher.none().isEmpty());
    }
}
