package rlhf.gateway.rest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import rlhf.service.InvalidInputException;

/**
 * The items of a batch body {@code {"comparisons": [ ... ]}}, each as its own JSON text, found with one streaming pass
 * (Jackson's parser, no tree): each item is then parsed on its own, so a bad item is answered by itself. Building a
 * tree of the whole batch and printing every item back to text cost about as much as parsing the items (P5 profile).
 */
final class BatchItems {

    private static final JsonFactory JSON = new JsonFactory();

    /** An item: its JSON text, or null when it is not a JSON object (then {@code kind} says what it is). */
    record Item(String json, String kind) {
    }

    private BatchItems() {
    }

    /**
     * @throws InvalidInputException naming {@code comparisons} when the body is not JSON, holds no array
     *                               {@code comparisons}, or holds more than {@code maxItems} items
     */
    static List<Item> of(String body, int maxItems) {
        List<Item> items = null;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw required();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!name.equals("comparisons")) {
                    parser.skipChildren(); // other members are ignored, as before
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw required();
                }
                items = new ArrayList<>(); // a repeated member: the last one counts, like a JSON tree's
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == JsonToken.START_OBJECT) {
                        int from = (int) parser.currentTokenLocation().getCharOffset();
                        parser.skipChildren();
                        int to = (int) parser.currentLocation().getCharOffset();
                        items.add(new Item(body.substring(from, to), "object"));
                    } else {
                        parser.skipChildren();
                        items.add(new Item(null, kind(t)));
                    }
                }
            }
        } catch (JsonParseException e) {
            throw new InvalidInputException("comparisons", "the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("comparisons", "the body is not JSON: " + e.getMessage());
        }
        if (items == null) {
            throw required();
        }
        if (items.size() > maxItems) {
            throw new InvalidInputException("comparisons", items.size() + " items > max " + maxItems);
        }
        return items;
    }

    private static InvalidInputException required() {
        return new InvalidInputException("comparisons", "required: an array of comparisons");
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }
}
