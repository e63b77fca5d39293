package rlhf.model.tokenizer;

/**
 * Text ↔ token ids for one model. {@link ByteTokenizer#encode} treats its input as plain bytes, so user text that
 * spells "&lt;|endoftext|&gt;" cannot inject a special token; {@link HfTokenizer} behaves as Hugging Face does and
 * matches the tokenizer.json's added tokens in text. Role tokens come from a {@link ChatTemplate}.
 */
public interface TextTokenizer extends AutoCloseable {

    /** Text to ids, without adding any special token of its own (no BOS/EOS). */
    int[] encode(String text);

    /** Ids to text; special tokens are rendered as their names, invalid UTF-8 as U+FFFD. */
    String decode(int[] ids);

    /** Number of ids; the model's vocabSize must be at least this. */
    int vocabSize();

    /** The end-of-text id that ends a document or a chat turn. */
    int endOfTextId();

    /** The serialised form stored as {@code tokenizer.json} in a checkpoint; {@link Tokenizers#fromJson} reads it. */
    String toJson();

    /** How chat messages become ids for this tokenizer. */
    ChatTemplate chatTemplate();

    /** Releases native resources, if any. */
    @Override
    default void close() {
    }
}
