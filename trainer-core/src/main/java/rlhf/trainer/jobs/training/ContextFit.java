package rlhf.trainer.jobs.training;

import java.util.Arrays;

import rlhf.model.score.Scorer;
import rlhf.model.tokenizer.ChatMessage;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;

/**
 * Turns (conversation, answer) into the shared {@link PromptResponse} ids and fits them into the model's context:
 * the oldest prompt tokens go first (the question being answered sits at the end of the prompt); a response longer
 * than the context keeps its beginning.
 */
public final class ContextFit {

    private ContextFit() {
    }

    /** The example as scored by the policy and the reward model. */
    public static Scorer.Example example(TextTokenizer tokenizer, java.util.List<ChatMessage> conversation, String answer,
            int context) {
        return fit(PromptResponse.promptIds(tokenizer, conversation), PromptResponse.responseIds(tokenizer, answer),
                context);
    }

    /** Keeps at most {@code context} tokens: at least one prompt token, the response first. */
    public static Scorer.Example fit(int[] prompt, int[] response, int context) {
        int[] kept = response.length > context - 1 ? Arrays.copyOf(response, context - 1) : response;
        int promptTokens = Math.min(prompt.length, context - kept.length);
        return new Scorer.Example(Arrays.copyOfRange(prompt, prompt.length - promptTokens, prompt.length), kept);
    }

    /** Tokens of an example. */
    public static int length(Scorer.Example e) {
        return e.prompt().length + e.response().length;
    }
}
