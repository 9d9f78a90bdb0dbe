package io.tokenguard.store;

import com.fasterxml.jackson.core.JsonPointer;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the values at a few JSON pointers in one pass over the file. The whole document is validated
 * (RFC 8259: a file that is not valid JSON is rejected), but no tree is built.
 *
 * <p>Why not Jackson here: this runs while the host program starts, and Jackson's parser factory alone
 * loads some eighty classes (measured with {@code -Xlog:class+load}) to read a few hundred bytes. Writing
 * the file back, which needs every field, still goes through Jackson ({@link JsonTree}).
 */
final class PointerScanner {
    /** Nesting deeper than this is no credentials file (and would only exhaust the stack). */
    private static final int MAX_DEPTH = 64;

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

        NotAnObject(boolean empty) {
            super(empty ? "is empty" : "does not hold a JSON object");
        }
    }

    /** Not valid JSON; the message gives the place only, never the text (it may be a token). */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String problem, int line, int column) {
            super("at line " + line + ", column " + column + " (" + problem + ")");
        }
    }

    private final Map<String, JsonPointer> wanted = new HashMap<>();
    private final Map<JsonPointer, Scalar> found = new HashMap<>();
    private final String text;
    private int at;

    private PointerScanner(String text, List<JsonPointer> pointers) {
        this.text = text;
        for (JsonPointer pointer : pointers) {
            wanted.put(pointer.toString(), pointer);
        }
    }

    /**
     * @return the value at each pointer ({@link Scalar#MISSING} where there is none)
     * @throws Malformed when the content is not valid JSON (or not UTF-8)
     * @throws NotAnObject when it is empty or not an object
     */
    static Map<JsonPointer, Scalar> scan(byte[] content, List<JsonPointer> pointers) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("is not UTF-8", 1, 1);
        }
        PointerScanner scanner = new PointerScanner(text, pointers);
        if (scanner.text.startsWith("\uFEFF")) {
            scanner.at = 1; // a byte order mark, as some editors write
        }
        scanner.skipWhitespace();
        if (scanner.at == text.length()) {
            throw new NotAnObject(true);
        }
        if (text.charAt(scanner.at) != '{') {
            throw new NotAnObject(false);
        }
        scanner.value("", 0);
        scanner.skipWhitespace();
        if (scanner.at != text.length()) {
            throw scanner.malformed("unexpected content after the object");
        }
        for (JsonPointer pointer : pointers) {
            scanner.found.putIfAbsent(pointer, Scalar.MISSING);
        }
        return scanner.found;
    }

    /** Reads one value at {@code path}, recording it if a pointer names it. */
    private void value(String path, int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw malformed("nesting deeper than " + MAX_DEPTH);
        }
        skipWhitespace();
        forgetBelow(path);
        JsonPointer pointer = wanted.get(path);
        Scalar scalar;
        char c = peek();
        if (c == '{') {
            object(path, depth);
            scalar = Scalar.OTHER;
        } else if (c == '[') {
            array(path, depth);
            scalar = Scalar.OTHER;
        } else if (c == '"') {
            scalar = new Scalar(Scalar.Kind.STRING, string());
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            scalar = new Scalar(Scalar.Kind.NUMBER, number());
        } else if (text.startsWith("null", at)) {
            at += 4;
            scalar = Scalar.NULL;
        } else if (text.startsWith("true", at)) {
            at += 4;
            scalar = Scalar.OTHER;
        } else if (text.startsWith("false", at)) {
            at += 5;
            scalar = Scalar.OTHER;
        } else {
            throw malformed("expected a value");
        }
        if (pointer != null) {
            found.put(pointer, scalar); // a repeated key: the last one wins, as in Jackson
        }
    }

    /**
     * A repeated key replaces the whole earlier value, as in Jackson (which writes the file back): what was
     * found inside the earlier one is gone unless the later one has it too.
     */
    private void forgetBelow(String path) {
        for (Map.Entry<String, JsonPointer> entry : wanted.entrySet()) {
            String wantedPath = entry.getKey();
            if (wantedPath.length() > path.length() && wantedPath.charAt(path.length()) == '/'
                    && wantedPath.startsWith(path)) {
                found.remove(entry.getValue());
            }
        }
    }

    private void object(String path, int depth) throws Malformed {
        at++; // {
        skipWhitespace();
        if (peek() == '}') {
            at++;
            return;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw malformed("expected a field name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            value(path + '/' + escape(name), depth + 1);
            skipWhitespace();
            char c = peek();
            at++;
            if (c == '}') {
                return;
            }
            if (c != ',') {
                at--;
                throw malformed("expected , or }");
            }
        }
    }

    private void array(String path, int depth) throws Malformed {
        at++; // [
        skipWhitespace();
        if (peek() == ']') {
            at++;
            return;
        }
        for (int index = 0; ; index++) {
            value(path + '/' + index, depth + 1);
            skipWhitespace();
            char c = peek();
            at++;
            if (c == ']') {
                return;
            }
            if (c != ',') {
                at--;
                throw malformed("expected , or ]");
            }
        }
    }

    private String string() throws Malformed {
        at++; // "
        StringBuilder out = null;
        int start = at;
        while (true) {
            if (at >= text.length()) {
                throw malformed("unterminated string");
            }
            char c = text.charAt(at);
            if (c == '"') {
                String value = out == null ? text.substring(start, at) : out.append(text, start, at).toString();
                at++;
                return value;
            }
            if (c < 0x20) {
                throw malformed("control character in a string");
            }
            if (c != '\\') {
                at++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder();
            }
            out.append(text, start, at);
            at++;
            out.append(escaped());
            start = at;
        }
    }

    /** The character after a backslash; {@code at} stands on it. */
    private char escaped() throws Malformed {
        if (at >= text.length()) {
            throw malformed("unterminated string");
        }
        char c = text.charAt(at++);
        switch (c) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                if (at + 4 > text.length()) {
                    throw malformed("bad \\u escape");
                }
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(text.charAt(at++), 16);
                    if (digit < 0) {
                        throw malformed("bad \\u escape");
                    }
                    code = code * 16 + digit;
                }
                return (char) code;
            default:
                at--;
                throw malformed("bad escape");
        }
    }

    /** RFC 8259 §6: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, returned as written. */
    private String number() throws Malformed {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (!digits()) {
            throw malformed("bad number");
        }
        if (peek() == '.') {
            at++;
            if (!digits()) {
                throw malformed("bad number");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (!digits()) {
                throw malformed("bad number");
            }
        }
        return text.substring(start, at);
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > start;
    }

    private void expect(char c) throws Malformed {
        if (peek() != c) {
            throw malformed("expected " + c);
        }
        at++;
    }

    /** The current character, or 0 at the end. */
    private char peek() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipWhitespace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private Malformed malformed(String problem) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Malformed(at >= text.length() ? "ends early" : problem, line, column);
    }

    /** RFC 6901: {@code ~} is written {@code ~0} and {@code /} is written {@code ~1}. */
    private static String escape(String name) {
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        return name.replace("~", "~0").replace("/", "~1");
    }
}
