package io.tokenguard.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tokenguard.token.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The whole credentials file as a Jackson tree, for writing it back with every field it holds. Kept apart
 * from reading (see {@link PointerScanner}) because building Jackson's object mapper loads some four
 * hundred classes: a cost worth paying when a refresh writes, not while the host starts.
 */
final class JsonTree {
    // Floats as BigDecimal with their trailing zeros, so that numbers we do not own are written back as read.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    private JsonTree() {}

    /**
     * The file's content with {@code fresh} at the three pointers and everything else as it was; null when
     * the file now holds an access token that is neither {@code basis} nor {@code fresh} (someone else
     * wrote newer credentials, and they win).
     */
    static byte[] withToken(Path file, byte[] original, JsonPointer accessPointer, JsonPointer refreshPointer,
            JsonPointer expiresAtPointer, ExpiryFormat formatWhenAbsent, Token fresh, Token basis) throws IOException {
        String text = original == null ? "" : new String(original, StandardCharsets.UTF_8);
        ObjectNode root = original == null ? JSON.createObjectNode() : parseForWrite(file, original);

        JsonNode current = root.at(accessPointer);
        if (current.isTextual() && !current.textValue().isEmpty()
                && !current.textValue().equals(fresh.accessToken())
                && (basis == null || !current.textValue().equals(basis.accessToken()))) {
            return null;
        }

        ExpiryFormat.Stored oldExpiry;
        try {
            oldExpiry = expiry(root.at(expiresAtPointer));
        } catch (IllegalArgumentException e) {
            oldExpiry = null; // unreadable before; replaced with a valid value in the default format
        }
        set(file, root, accessPointer, TextNode.valueOf(fresh.accessToken()));
        if (fresh.refreshToken() != null) {
            set(file, root, refreshPointer, TextNode.valueOf(fresh.refreshToken()));
        }
        if (fresh.expiresAt() != null) {
            ExpiryFormat format = oldExpiry == null ? formatWhenAbsent : oldExpiry.format;
            JsonNode value = encode(format, fresh.expiresAt(), oldExpiry != null && oldExpiry.quoted);
            if (value != null) {
                set(file, root, expiresAtPointer, value);
            }
        }
        return render(root, text);
    }

    /**
     * The file's content without the three token fields (everything else as it was); null when the file no
     * longer holds {@code deadRefreshToken} (a login or another process wrote new credentials: keep them).
     */
    static byte[] withoutToken(Path file, byte[] original, JsonPointer accessPointer, JsonPointer refreshPointer,
            JsonPointer expiresAtPointer, String deadRefreshToken) throws IOException {
        ObjectNode root = parseForWrite(file, original);
        JsonNode refresh = root.at(refreshPointer);
        if (!refresh.isTextual() || !refresh.textValue().equals(deadRefreshToken)) {
            return null;
        }
        for (JsonPointer pointer : new JsonPointer[] {accessPointer, refreshPointer, expiresAtPointer}) {
            JsonNode parent = root.at(pointer.head());
            if (parent.isObject()) {
                ((ObjectNode) parent).remove(pointer.last().getMatchingProperty());
            }
        }
        return render(root, new String(original, StandardCharsets.UTF_8));
    }

    /** What an expiry node holds, for {@link ExpiryFormat#read}. */
    private static ExpiryFormat.Stored expiry(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return ExpiryFormat.read(new PointerScanner.Scalar(PointerScanner.Scalar.Kind.NUMBER, node.decimalValue().toString()));
        }
        if (node.isTextual()) {
            return ExpiryFormat.read(new PointerScanner.Scalar(PointerScanner.Scalar.Kind.STRING, node.textValue()));
        }
        return ExpiryFormat.read(PointerScanner.Scalar.OTHER);
    }

    /**
     * The JSON value for {@code instant} in this format, as a string when {@code quoted} (numbers only).
     * Null when the value would not be positive: a 0 or a date before 1970 is never written.
     */
    private static JsonNode encode(ExpiryFormat format, Instant instant, boolean quoted) {
        if (!instant.isAfter(Instant.EPOCH)) {
            return null;
        }
        if (format == ExpiryFormat.ISO_8601) {
            return TextNode.valueOf(instant.toString());
        }
        long number = format == ExpiryFormat.EPOCH_MILLIS ? instant.toEpochMilli() : instant.getEpochSecond();
        if (number <= 0) {
            return null;
        }
        return quoted ? TextNode.valueOf(Long.toString(number)) : LongNode.valueOf(number);
    }
    private static ObjectNode parseForWrite(Path file, byte[] content) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            // No cause attached: Jackson's message may quote a token.
            throw new IOException("credentials file " + file + " is not valid JSON" + where(e) + "; left unchanged");
        }
        if (root instanceof ObjectNode) {
            return (ObjectNode) root;
        }
        if (root == null || root.isMissingNode()) {
            return JSON.createObjectNode(); // an empty file holds nothing to keep
        }
        throw new IOException("credentials file " + file + " does not hold a JSON object; left unchanged");
    }

    /** Sets the value at {@code pointer}, in place (field order kept), creating missing objects on the way. */
    private static void set(Path file, ObjectNode root, JsonPointer pointer, JsonNode value) throws IOException {
        ObjectNode object = root;
        for (JsonPointer at = pointer; !at.tail().matches(); at = at.tail()) {
            JsonNode child = object.get(at.getMatchingProperty());
            if (child == null || child.isNull()) {
                child = object.putObject(at.getMatchingProperty());
            }
            if (!child.isObject()) {
                throw new IOException("credentials file " + file + ": cannot write " + pointer
                        + ", a value on its path is not an object; left unchanged");
            }
            object = (ObjectNode) child;
        }
        object.set(pointer.last().getMatchingProperty(), value);
    }

    /** Compact stays compact; a multi-line file is pretty-printed with two-space indentation. */
    private static byte[] render(JsonNode root, String original) throws IOException {
        String eol = original.contains("\r\n") ? "\r\n" : "\n";
        String json = original.trim().indexOf('\n') >= 0
                ? JSON.writer(new TwoSpacePrinter(eol)).writeValueAsString(root)
                : JSON.writeValueAsString(root);
        if (original.endsWith("\n")) {
            json += eol;
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static String where(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** Like JavaScript's {@code JSON.stringify(value, null, 2)}: {@code "key": value}, empty {@code {}} and {@code []}. */
    private static final class TwoSpacePrinter extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;
        private final String eol;

        TwoSpacePrinter(String eol) {
            super(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
            this.eol = eol;
            DefaultIndenter indenter = new DefaultIndenter("  ", eol);
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new TwoSpacePrinter(eol);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            if (entries == 0) {
                _nesting--;
                g.writeRaw('}');
            } else {
                super.writeEndObject(g, entries);
            }
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (values == 0) {
                _nesting--;
                g.writeRaw(']');
            } else {
                super.writeEndArray(g, values);
            }
        }
    }
}
