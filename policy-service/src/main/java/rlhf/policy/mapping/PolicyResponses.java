package rlhf.policy.mapping;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import com.google.protobuf.Timestamp;

import org.jboss.logging.Logger;

import rlhf.common.v1.ModelRef;
import rlhf.model.v1.DatasetRef;
import rlhf.model.v1.ModelVersion;
import rlhf.policy.service.BestOfN;
import rlhf.policy.service.Completion;
import rlhf.policy.service.Finish;
import rlhf.policy.service.Generated;
import rlhf.policy.service.ModelId;
import rlhf.policy.service.StoredVersion;
import rlhf.policy.v1.BestOfNResponse;
import rlhf.policy.v1.FinishReason;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.policy.v1.ListModelsResponse;
import rlhf.policy.v1.LogProbDistribution;
import rlhf.policy.v1.ScoredCompletion;
import rlhf.wire.ModelStoreLayout;

/** Service values → contract responses. */
public final class PolicyResponses {

    private static final Logger LOG = Logger.getLogger(PolicyResponses.class);

    private PolicyResponses() {
    }

    public static GenerateResponse generate(Generated g, boolean samplingLogProbs) {
        GenerateResponse.Builder out = GenerateResponse.newBuilder().setModel(ModelRefs.toProto(g.model()))
                .setLogProbDistribution(distribution(samplingLogProbs));
        for (int id : g.promptIds()) {
            out.addPromptTokenIds(id);
        }
        g.completions().forEach(c -> out.addCompletions(completion(c, samplingLogProbs)));
        return out.build();
    }

    public static BestOfNResponse bestOfN(BestOfN b) {
        BestOfNResponse.Builder out = BestOfNResponse.newBuilder().setBestIndex(b.bestIndex())
                .setModel(ModelRefs.toProto(b.generated().model())).setRewardVersion(b.rewardVersion());
        List<Completion> completions = b.generated().completions();
        for (int i = 0; i < completions.size(); i++) {
            out.addCandidates(ScoredCompletion.newBuilder().setCompletion(completion(completions.get(i), false))
                    .setReward(b.rewards()[i]));
        }
        return out.build();
    }

    public static rlhf.policy.v1.Completion completion(Completion c, boolean samplingLogProbs) {
        rlhf.policy.v1.Completion.Builder out = rlhf.policy.v1.Completion.newBuilder().setIndex(c.index())
                .setText(c.text()).setFinishReason(finishReason(c.finish()));
        float[] logProbs = samplingLogProbs ? c.samplingLogProbs() : c.logProbs();
        for (int i = 0; i < c.tokenIds().length; i++) {
            out.addTokenIds(c.tokenIds()[i]).addLogProbs(logProbs[i]);
        }
        return out.build();
    }

    /** A chunk carrying one sampled token. */
    public static GenerateStreamChunk token(int index, int tokenId, String textDelta, float logProb, ModelRef model) {
        return GenerateStreamChunk.newBuilder().setIndex(index).setTokenId(tokenId).setTextDelta(textDelta)
                .setLogProb(logProb).setModel(model).build();
    }

    /** The last chunk of a sample: no token (-1), the text still held back, the finish reason. */
    public static GenerateStreamChunk end(Completion c, String textDelta, ModelRef model) {
        return GenerateStreamChunk.newBuilder().setIndex(c.index()).setTokenId(-1).setTextDelta(textDelta)
                .setFinished(true).setFinishReason(finishReason(c.finish())).setModel(model).build();
    }

    public static FinishReason finishReason(Finish f) {
        return switch (f) {
            case END_OF_TEXT -> FinishReason.FINISH_REASON_END_OF_TEXT;
            case STOP_SEQUENCE -> FinishReason.FINISH_REASON_STOP_SEQUENCE;
            case LENGTH -> FinishReason.FINISH_REASON_LENGTH;
            case CONTEXT_FULL -> FinishReason.FINISH_REASON_CONTEXT_FULL;
        };
    }

    private static LogProbDistribution distribution(boolean samplingLogProbs) {
        return samplingLogProbs ? LogProbDistribution.LOG_PROB_DISTRIBUTION_SAMPLING
                : LogProbDistribution.LOG_PROB_DISTRIBUTION_RAW;
    }

    public static ListModelsResponse listModels(List<StoredVersion> stored, Optional<ModelId> serving) {
        ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
        stored.forEach(s -> out.addVersions(modelVersion(s)));
        serving.ifPresent(id -> out.setServing(ModelRefs.toProto(id)));
        return out.build();
    }

    /** A stored version with the lineage of its manifest. */
    public static ModelVersion modelVersion(StoredVersion s) {
        ModelVersion.Builder out = ModelVersion.newBuilder().setKind(ModelRefs.toProto(s.id().kind()))
                .setVersion(s.id().version()).setStoreUri(s.directory().toUri().toString()).setSha256(s.weightsSha256())
                .putAllMetrics(s.metrics()).setParameterCount(s.parameterCount());
        s.parents().forEach(p -> parent(p).ifPresent(out::addParents));
        s.datasets().forEach(d -> out.addDatasets(DatasetRef.newBuilder().setName(d)));
        timestamp(s.createdAt()).ifPresent(out::setCreatedAt);
        return out.build();
    }

    /** {@code kind/vN} of a manifest as a ModelRef; empty (and logged) when it is not in that form. */
    static Optional<ModelRef> parent(String id) {
        int slash = id.lastIndexOf("/v");
        try {
            return Optional.of(ModelRef.newBuilder().setKind(ModelStoreLayout.kindOf(id.substring(0, slash)))
                    .setVersion(Long.parseLong(id.substring(slash + 2))).build());
        } catch (RuntimeException e) {
            LOG.debugf("manifest parent '%s' is not kind/vN; left out of the listing", id);
            return Optional.empty();
        }
    }

    /** An ISO-8601 instant as a Timestamp. */
    public static Optional<Timestamp> timestamp(String iso) {
        try {
            return Optional.of(timestamp(Instant.parse(iso)));
        } catch (DateTimeParseException | NullPointerException e) {
            return Optional.empty();
        }
    }

    public static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
