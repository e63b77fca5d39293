package rlhf.policy.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.policy.service.GenerationRequest;
import rlhf.policy.service.PromptInput;
import rlhf.policy.service.RolloutTask;
import rlhf.policy.service.SamplingRequest;
import rlhf.policy.v1.BestOfNRequest;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.LogProbDistribution;
import rlhf.policy.v1.RolloutRequest;
import rlhf.service.InvalidInputException;

/** Contract requests → service values; every failure names the contract field. */
public final class PolicyRequests {

    private PolicyRequests() {
    }

    /** Generate and GenerateStream; n = 0 means 1. */
    public static GenerationRequest generate(GenerateRequest r) {
        return new GenerationRequest(prompt(r.hasPrompt(), r.getPrompt()),
                sampling(r.getSampling(), r.getN() == 0 ? 1 : r.getN()), ModelRefs.requested(r.hasModel(), r.getModel()));
    }

    /** BestOfN; n must be given (2..max). */
    public static GenerationRequest bestOfN(BestOfNRequest r) {
        if (r.getN() < 2) {
            throw new InvalidInputException("n", r.getN() + " < min 2");
        }
        return new GenerationRequest(prompt(r.hasPrompt(), r.getPrompt()), sampling(r.getSampling(), r.getN()),
                ModelRefs.requested(r.hasModel(), r.getModel()));
    }

    /** A rollout request from {@code rlhf.prompts}. */
    public static RolloutTask rollout(RolloutRequest r) {
        if (r.getN() < 1) {
            throw new InvalidInputException("n", r.getN() + " < 1");
        }
        return new RolloutTask(r.getPromptId(), prompt(r.hasPrompt(), r.getPrompt()), sampling(r.getSampling(), r.getN()),
                r.getPolicyVersion(), r.getRewardVersion(), r.getIteration(), r.getAttributesMap());
    }

    /** Which log-probs a Generate caller wants; unset means RAW. */
    public static boolean wantsSamplingLogProbs(LogProbDistribution d) {
        return switch (d) {
            case LOG_PROB_DISTRIBUTION_UNSPECIFIED, LOG_PROB_DISTRIBUTION_RAW -> false;
            case LOG_PROB_DISTRIBUTION_SAMPLING -> true;
            default -> throw new InvalidInputException("log_prob_distribution", "unknown value " + d);
        };
    }

    static PromptInput prompt(boolean present, Prompt p) {
        return switch (present ? p.getContentCase() : Prompt.ContentCase.CONTENT_NOT_SET) {
            case TEXT -> new PromptInput.Text(p.getText());
            case CHAT -> new PromptInput.Chat(messages(p.getChat().getMessagesList()));
            case CONTENT_NOT_SET -> throw new InvalidInputException("prompt", "required (set text or chat)");
        };
    }

    private static List<rlhf.model.tokenizer.ChatMessage> messages(List<ChatMessage> messages) {
        List<rlhf.model.tokenizer.ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            rlhf.model.tokenizer.ChatMessage.Role role = switch (m.getRole()) {
                case ROLE_SYSTEM -> rlhf.model.tokenizer.ChatMessage.Role.SYSTEM;
                case ROLE_USER -> rlhf.model.tokenizer.ChatMessage.Role.USER;
                case ROLE_ASSISTANT -> rlhf.model.tokenizer.ChatMessage.Role.ASSISTANT;
                case ROLE_UNSPECIFIED -> throw new InvalidInputException("prompt.chat.messages[" + i + "].role", "unspecified");
                default -> throw new InvalidInputException("prompt.chat.messages[" + i + "].role", "unknown value");
            };
            out.add(new rlhf.model.tokenizer.ChatMessage(role, m.getContent()));
        }
        return out;
    }

    static SamplingRequest sampling(SamplingParams s, int n) {
        return new SamplingRequest(n, s.getMaxNewTokens(), s.hasTemperature() ? s.getTemperature() : 1f, s.getTopK(),
                s.hasTopP() ? s.getTopP() : 1f, s.hasSeed() ? OptionalLong.of(s.getSeed()) : OptionalLong.empty(),
                s.getStopList());
    }
}
