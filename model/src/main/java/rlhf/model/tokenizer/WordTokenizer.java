package rlhf.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Word-level tokenizer with byte fallback, learned from a corpus. Text is cut into pieces: a word (a maximal run of
 * letters, digits or apostrophes) together with one space before it, if there is one, or else a single character.
 * A piece seen often enough in the training corpus has its own id; any other piece is spelled as its UTF-8 bytes,
 * so every text still round-trips, as with {@link ByteTokenizer}, whose ids 0–259 (bytes, end of text, the three
 * roles) this tokenizer keeps; learned pieces follow from id 260.
 *
 * <p>Two {@link Options} make the ids easier for a tiny model to learn:
 * <ul>
 * <li>{@code splitDigits}: a number is cut into its digits, the first one carrying the space ({@code " 23"} →
 * {@code " 2"}, {@code "3"}), so arithmetic is learned digit by digit instead of as a table of whole-number symbols;
 * <li>{@code spaceBeforeText}: every text is encoded as if a space preceded it (SentencePiece's dummy prefix), and
 * decoding drops that one space again. A word then has the same id at the start of an answer as inside a prompt:
 * copying {@code red} from {@code Reverse the words: fox red} into the answer {@code red fox.} is copying ids.
 * </ul>
 * For the task world this turns {@code What is 23 plus 34?} into 8 ids instead of 19 bytes, and each training step
 * covers about three times as much text as with bytes.
 */
public final class WordTokenizer implements TextTokenizer {
    static final String JSON_TYPE = "rlhf-words-v1";
    private static final int FIRST_PIECE = ByteTokenizer.VOCAB_SIZE;

    /**
     * How text is cut.
     *
     * @param splitDigits numbers are cut into digits
     * @param spaceBeforeText each text is encoded as if a space preceded it; decoding drops a leading space
     */
    public record Options(boolean splitDigits, boolean spaceBeforeText) {
        /** Numbers whole, no leading space: the first version of this tokenizer. */
        public static final Options PLAIN = new Options(false, false);
        /** Digits and a leading space: what pretraining uses by default. */
        public static final Options DIGITS_AND_LEADING_SPACE = new Options(true, true);
    }

    private final List<String> pieces;
    private final List<byte[]> pieceBytes;
    private final Map<String, Integer> ids;
    private final Options options;

    /** A tokenizer with exactly these learned pieces and {@link Options#PLAIN} cutting. */
    public WordTokenizer(List<String> pieces) {
        this(pieces, Options.PLAIN);
    }

    /**
     * A tokenizer with exactly these learned pieces, in id order from 260; each must be a multi-byte piece of this
     * cutting.
     */
    public WordTokenizer(List<String> pieces, Options options) {
        this.options = options;
        boolean splitDigits = options.splitDigits();
        this.pieces = List.copyOf(pieces);
        this.pieceBytes = new ArrayList<>(pieces.size());
        this.ids = new HashMap<>();
        for (String piece : this.pieces) {
            List<String> split = split(piece, splitDigits);
            if (split.size() != 1 || piece.getBytes(StandardCharsets.UTF_8).length < 2) {
                throw new IllegalArgumentException("not a single multi-byte piece: \"" + piece + "\"");
            }
            if (ids.putIfAbsent(piece, FIRST_PIECE + pieceBytes.size()) != null) {
                throw new IllegalArgumentException("duplicate piece: \"" + piece + "\"");
            }
            pieceBytes.add(piece.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Learns the pieces of {@code texts}: every multi-byte piece seen at least {@code minCount} times, the most
     * frequent first (ties in string order, so the result depends only on the corpus), at most {@code maxPieces}.
     */
    public static WordTokenizer train(Iterable<String> texts, int maxPieces, int minCount) {
        return train(texts, maxPieces, minCount, Options.PLAIN);
    }

    /** As {@link #train(Iterable, int, int)}, with this cutting. */
    public static WordTokenizer train(Iterable<String> texts, int maxPieces, int minCount, Options options) {
        if (maxPieces < 0 || minCount < 1) {
            throw new IllegalArgumentException("maxPieces must be >= 0 and minCount >= 1");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            for (String piece : split(withSpace(text, options), options.splitDigits())) {
                if (piece.getBytes(StandardCharsets.UTF_8).length > 1) {
                    counts.merge(piece, 1, Integer::sum);
                }
            }
        }
        List<Map.Entry<String, Integer>> frequent = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minCount) {
                frequent.add(e);
            }
        }
        frequent.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < Math.min(maxPieces, frequent.size()); i++) {
            kept.add(frequent.get(i).getKey());
        }
        return new WordTokenizer(kept, options);
    }

    /** Reads {@link #toJson()} back. */
    static WordTokenizer fromJson(JsonObject root) {
        JsonArray array = root.getAsJsonArray("pieces");
        if (array == null) {
            throw new IllegalArgumentException(JSON_TYPE + " tokenizer.json has no \"pieces\" array");
        }
        List<String> list = new ArrayList<>(array.size());
        array.forEach(e -> list.add(e.getAsString()));
        return new WordTokenizer(list, new Options(flag(root, "split_digits"), flag(root, "space_before_text")));
    }

    private static boolean flag(JsonObject root, String name) {
        return root.has(name) && root.get(name).getAsBoolean();
    }

    private static String withSpace(String text, Options options) {
        return options.spaceBeforeText() && !text.isEmpty() ? " " + text : text;
    }

    /**
     * The text cut into pieces: " word", "word", or one character (a code point). With {@code splitDigits} a digit
     * always ends its word, so {@code "a 203b"} gives {@code "a", " 2", "0", "3", "b"}.
     */
    static List<String> split(String text, boolean splitDigits) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            int start = i;
            int cp = text.codePointAt(i);
            if (cp == ' ' && i + 1 < n && isWordChar(text.codePointAt(i + 1))) {
                i++;
                cp = text.codePointAt(i);
            }
            if (splitDigits && isDigit(cp)) {
                i += Character.charCount(cp);
            } else if (isWordChar(cp)) {
                while (i < n && isWordChar(text.codePointAt(i)) && !(splitDigits && isDigit(text.codePointAt(i)))) {
                    i += Character.charCount(text.codePointAt(i));
                }
            } else {
                i += Character.charCount(cp);
            }
            out.add(text.substring(start, i));
        }
        return out;
    }

    private static boolean isDigit(int cp) {
        return Character.isDigit(cp);
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '\'' || cp == '\u2019';
    }

    /** The learned pieces, in id order from 260. */
    public List<String> pieces() {
        return Collections.unmodifiableList(pieces);
    }

    /** How this tokenizer cuts text. */
    public Options options() {
        return options;
    }

    @Override
    public int[] encode(String text) {
        List<String> split = split(withSpace(text, options), options.splitDigits());
        int[] out = new int[text.length() * 4 + 4];
        int at = 0;
        for (String piece : split) {
            Integer id = ids.get(piece);
            if (id != null) {
                out[at++] = id;
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    out[at++] = b & 0xFF;
                }
            }
        }
        return Arrays.copyOf(out, at);
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int id : tokenIds) {
            if (id >= 0 && id < ByteTokenizer.END_OF_TEXT) {
                pending.write(id);
            } else if (id >= FIRST_PIECE && id < vocabSize()) {
                pending.writeBytes(pieceBytes.get(id - FIRST_PIECE));
            } else if (id >= ByteTokenizer.END_OF_TEXT && id < FIRST_PIECE) {
                out.append(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
                out.append(ByteTokenizer.specialName(id));
            } else {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
            }
        }
        out.append(pending.toString(StandardCharsets.UTF_8));
        return options.spaceBeforeText() && !out.isEmpty() && out.charAt(0) == ' ' ? out.substring(1) : out.toString();
    }

    @Override
    public int vocabSize() {
        return FIRST_PIECE + pieces.size();
    }

    @Override
    public int endOfTextId() {
        return ByteTokenizer.END_OF_TEXT;
    }

    @Override
    public String toJson() {
        JsonObject root = JsonParser.parseString(new ByteTokenizer().toJson()).getAsJsonObject();
        root.addProperty("type", JSON_TYPE);
        root.addProperty("split_digits", options.splitDigits());
        root.addProperty("space_before_text", options.spaceBeforeText());
        JsonArray array = new JsonArray();
        pieces.forEach(array::add);
        root.add("pieces", array);
        return root.toString();
    }

    /** Role tokens, as {@link ByteTokenizer}: each turn's content is encoded on its own. */
    @Override
    public ChatTemplate chatTemplate() {
        return new RoleTokenTemplate(this);
    }
}
