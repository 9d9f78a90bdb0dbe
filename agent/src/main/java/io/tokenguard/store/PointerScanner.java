package io.tokenguard.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the values at a few JSON pointers in one streaming pass over the file, with Jackson's core parser
 * only. The whole document is still parsed (a file that is not valid JSON is rejected), but no tree is
 * built and Jackson's object mapper is never loaded: this runs while the host program starts.
 */
final class PointerScanner {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** What stands at a pointer. */
    static final class Scalar {
        enum Kind { MISSING, NULL, STRING, NUMBER, OTHER }

        static final Scalar MISSING = new Scalar(Kind.MISSING, null);
        static final Scalar NULL = new Scalar(Kind.NULL, null);
        static final Scalar OTHER = new Scalar(Kind.OTHER, null);

        final Kind kind;
        /** The string, or the number as written; null for the other kinds. */
        final String text;

        Scalar(Kind kind, String text) {
            this.kind = kind;
            this.text = text;
        }
    }

    /** Thrown for an empty document or one whose root is not an object. */
    static final class NotAnObject extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean empty;

        NotAnObject(boolean empty) {
            super(empty ? "is empty" : "does not hold a JSON object");
            this.empty = empty;
        }
    }

    private final Map<String, JsonPointer> wanted = new HashMap<>();
    private final Map<JsonPointer, Scalar> found = new HashMap<>();

    private PointerScanner(List<JsonPointer> pointers) {
        for (JsonPointer pointer : pointers) {
            wanted.put(pointer.toString(), pointer);
        }
    }

    /**
     * @return the value at each pointer ({@link Scalar#MISSING} where there is none)
     * @throws com.fasterxml.jackson.core.JsonProcessingException when the content is not valid JSON
     * @throws NotAnObject when it is empty or not an object
     */
    static Map<JsonPointer, Scalar> scan(byte[] content, List<JsonPointer> pointers) throws IOException {
        PointerScanner scanner = new PointerScanner(pointers);
        try (JsonParser parser = FACTORY.createParser(content)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new NotAnObject(first == null);
            }
            scanner.object(parser, "");
            if (parser.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "trailing content after the object");
            }
        }
        for (JsonPointer pointer : pointers) {
            scanner.found.putIfAbsent(pointer, Scalar.MISSING);
        }
        return scanner.found;
    }

    /** The parser stands on START_OBJECT at {@code path}. */
    private void object(JsonParser parser, String path) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String child = path + '/' + escape(parser.currentName());
            parser.nextToken();
            value(parser, child);
        }
    }

    /** The parser stands on START_ARRAY at {@code path}. */
    private void array(JsonParser parser, String path) throws IOException {
        int index = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            value(parser, path + '/' + index++);
        }
    }

    private void value(JsonParser parser, String path) throws IOException {
        JsonToken token = parser.currentToken();
        JsonPointer pointer = wanted.get(path);
        if (pointer != null) {
            found.put(pointer, scalar(parser, token));
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            if (leadsToWanted(path)) {
                if (token == JsonToken.START_OBJECT) {
                    object(parser, path);
                } else {
                    array(parser, path);
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    private static Scalar scalar(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return new Scalar(Scalar.Kind.STRING, parser.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Scalar(Scalar.Kind.NUMBER, parser.getText());
            case VALUE_NULL:
                return Scalar.NULL;
            default:
                return Scalar.OTHER;
        }
    }

    private boolean leadsToWanted(String path) {
        String prefix = path + '/';
        for (String pointer : wanted.keySet()) {
            if (pointer.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6901: {@code ~} is written {@code ~0} and {@code /} is written {@code ~1}. */
    private static String escape(String name) {
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        return name.replace("~", "~0").replace("/", "~1");
    }
}
