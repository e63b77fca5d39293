package rlhf.service;

/**
 * The server's bounds on the sizes inside one request (text lengths, repeated fields), checked before any work. A
 * violation is an {@link InvalidInputException} that names the field, the size, the limit and the key that sets it,
 * e.g. {@code prompt.text: 812000 characters > max 100000 (rlhf.policy.max-prompt-chars)}, so a caller knows what
 * to shorten and an operator what to raise.
 */
public final class InputLimits {

    private InputLimits() {
    }

    /**
     * @param field the field in the contract's spelling, e.g. {@code items[3].text.answer}
     * @param key   the configuration key of {@code max}
     * @throws InvalidInputException when {@code value} has more than {@code max} characters (UTF-16 units)
     */
    public static void checkChars(String field, String value, int max, String key) {
        checkChars(field, value.length(), max, key);
    }

    /** As {@link #checkChars(String, String, int, String)} for a length already summed, e.g. of all turns of a chat. */
    public static void checkChars(String field, long chars, int max, String key) {
        if (chars > max) {
            throw new InvalidInputException(field, chars + " characters > max " + max + " (" + key + ")");
        }
    }

    /**
     * @param unit what is counted, plural, e.g. {@code items} or {@code messages}
     * @throws InvalidInputException when {@code count} exceeds {@code max}
     */
    public static void checkCount(String field, int count, String unit, int max, String key) {
        if (count > max) {
            throw new InvalidInputException(field, count + " " + unit + " > max " + max + " (" + key + ")");
        }
    }
}
