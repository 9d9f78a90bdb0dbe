package io.tokenguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written reader must agree with Jackson on what is JSON and on what stands at each pointer. */
class PointerScannerTest {
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final List<JsonPointer> POINTERS = List.of(JsonPointer.compile("/claudeAiOauth/accessToken"),
            JsonPointer.compile("/claudeAiOauth/expiresAt"), JsonPointer.compile("/a~1b/0"), JsonPointer.compile("/n"));
    private static final String[] SEEDS = {
        "{\"claudeAiOauth\":{\"accessToken\":\"at-1\",\"refreshToken\":\"rt-1\",\"expiresAt\":1763000000000,"
                + "\"scopes\":[\"user:inference\",\"user:profile\"]},\"userID\":\"x\"}",
        "{\n  \"a/b\": [\"first\", {\"x\": true}],\n  \"n\": -12.5e+3,\n  \"claudeAiOauth\": null\n}",
        "{\"claudeAiOauth\":{\"accessToken\":\"caf\\u00e9\\n\\\"q\\\"\\\\\",\"expiresAt\":\"2026-11-22T03:00:00Z\"},"
                + "\"n\":[[],{},false,null,0]}",
    };

    @Test
    void agreesWithJacksonOnSeedsAndThousandsOfMutations() throws Exception {
        Random random = new Random(20261122);
        int valid = 0;
        for (int i = 0; i < 5000; i++) {
            String seed = SEEDS[i % SEEDS.length];
            String input = i < SEEDS.length ? seed : mutate(seed, random);
            JsonNode expected;
            try {
                expected = JACKSON.readTree(input);
            } catch (IOException notJson) {
                expected = null;
            } catch (NumberFormatException outOfJacksonsRange) {
                continue; // valid JSON (say 1e763000000000) that Jackson's tree cannot hold: nothing to compare
            }
            if (expected == null || !expected.isObject()) {
                byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
                assertThrows(IOException.class, () -> PointerScanner.scan(bytes, POINTERS), input);
                continue;
            }
            valid++;
            Map<JsonPointer, PointerScanner.Scalar> found = PointerScanner.scan(input.getBytes(StandardCharsets.UTF_8), POINTERS);
            for (JsonPointer pointer : POINTERS) {
                assertEquals(describe(expected.at(pointer)), describe(found.get(pointer)), input + " at " + pointer);
            }
        }
        assertFalse(valid < 100, "the mutations should leave some documents valid: " + valid);
    }

    @Test
    void errorsNameThePlaceNeverTheText() {
        byte[] broken = "{\n  \"access_token\": secret-value\n}".getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> PointerScanner.scan(broken, POINTERS));
        assertEquals("at line 2, column 19 (expected a value)", e.getMessage());
    }

    /** Found by CredentialStoreFuzzTest: the reader took a token from a repeated key's first value. */
    @Test
    void aRepeatedKeyReplacesEverythingBelowItAsInJackson() throws Exception {
        List<JsonPointer> pointers = List.of(JsonPointer.compile("/o/a"), JsonPointer.compile("/o/b"));
        String json = "{\"o\":{\"a\":\"first\",\"b\":\"kept?\"},\"o\":{\"a\":\"second\"}}";
        Map<JsonPointer, PointerScanner.Scalar> found = PointerScanner.scan(json.getBytes(StandardCharsets.UTF_8), pointers);
        JsonNode tree = JACKSON.readTree(json);
        for (JsonPointer pointer : pointers) {
            assertEquals(describe(tree.at(pointer)), describe(found.get(pointer)), pointer.toString());
        }
        assertEquals("MISSING", describe(found.get(pointers.get(1))));
    }

    @Test
    void deepNestingIsRejectedNotAStackOverflow() {
        byte[] deep = ("{\"a\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> PointerScanner.scan(deep, POINTERS));
    }

    private static String describe(JsonNode node) {
        if (node.isMissingNode()) {
            return "MISSING";
        }
        if (node.isNull()) {
            return "NULL";
        }
        if (node.isTextual()) {
            return "STRING " + node.textValue();
        }
        if (node.isNumber()) {
            return "NUMBER " + node.decimalValue().stripTrailingZeros();
        }
        return "OTHER";
    }

    private static String describe(PointerScanner.Scalar scalar) {
        switch (scalar.kind) {
            case STRING:
                return "STRING " + scalar.text;
            case NUMBER:
                return "NUMBER " + new java.math.BigDecimal(scalar.text).stripTrailingZeros();
            default:
                return scalar.kind.name();
        }
    }

    private static String mutate(String seed, Random random) {
        StringBuilder out = new StringBuilder(seed);
        String alphabet = "{}[]\":,\\ \n0123456789-+.eEtruefalsn/u~ab";
        for (int n = 1 + random.nextInt(3); n > 0 && out.length() > 0; n--) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(3)) {
                case 0:
                    out.deleteCharAt(at);
                    break;
                case 1:
                    out.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    break;
                default:
                    out.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return out.toString();
    }
}
