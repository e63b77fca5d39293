package rlhf.trainer.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonObject;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;

/**
 * One pretraining document: free text ({@code {"text": …}}), or a task prompt with an answer ({@code {"prompt": …,
 * "answer": …}}, the task world's corpus) which is rendered in the chat form every later stage uses, so that the
 * base model already knows the format.
 */
public record CorpusDocument(String text, String prompt, String answer) {

    public CorpusDocument {
        if ((text == null) == (prompt == null || answer == null)) {
            throw new IllegalArgumentException("needs either 'text' or both 'prompt' and 'answer'");
        }
    }

    /** The document's token ids, ending with end-of-text (documents are concatenated into one stream). */
    public int[] tokens(TextTokenizer tokenizer) {
        if (text != null) {
            int[] ids = tokenizer.encode(text);
            int[] withEnd = Arrays.copyOf(ids, ids.length + 1);
            withEnd[ids.length] = tokenizer.endOfTextId();
            return withEnd;
        }
        int[] promptIds = PromptResponse.promptIds(tokenizer, prompt);
        int[] responseIds = PromptResponse.responseIds(tokenizer, answer);
        int[] ids = Arrays.copyOf(promptIds, promptIds.length + responseIds.length);
        System.arraycopy(responseIds, 0, ids, promptIds.length, responseIds.length);
        return ids;
    }

    /** The strings the document's tokens are encoded from, each on its own: the text, or the prompt and the answer. */
    public List<String> texts() {
        return text != null ? List.of(text) : List.of(prompt, answer);
    }

    /** Reads a corpus file; see the class comment for the two accepted line forms. */
    public static List<CorpusDocument> read(Path file) {
        return JsonlFile.read(file, CorpusDocument::fromJson);
    }

    static CorpusDocument fromJson(JsonObject o) {
        if (o.has("text")) {
            return new CorpusDocument(JsonFields.string(o, "text"), null, null);
        }
        if (o.has("prompt") || o.has("answer")) {
            return new CorpusDocument(null, JsonFields.string(o, "prompt"), JsonFields.string(o, "answer"));
        }
        throw new IllegalArgumentException("needs 'text', or 'prompt' and 'answer'");
    }
}
