package rlhf.gateway.rest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import rlhf.service.InvalidInputException;

/** JSON request bodies read strictly: not UTF-8, not JSON or a field of the wrong type → 400 naming the field. */
final class JsonBodies {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private JsonBodies() {
    }

    /** The body as text; bytes that are not UTF-8 are refused (naming {@code field}), not replaced. */
    static String utf8(byte[] bytes, String field) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(field, "the body is not valid UTF-8");
        }
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidInputException("body", "required: a JSON object");
        }
        String text = utf8(bytes, "body");
        try {
            return JSON.readValue(text, type);
        } catch (JsonMappingException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining());
            throw new InvalidInputException(path.isEmpty() ? "body" : path.substring(path.startsWith(".") ? 1 : 0),
                    e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("body", "the body is not JSON: " + e.getMessage());
        }
    }
}
