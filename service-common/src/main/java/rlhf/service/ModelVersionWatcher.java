package rlhf.service;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;
import rlhf.common.v1.ModelKind;
import rlhf.model.v1.ModelVersion;
import rlhf.wire.Topic;

/**
 * Follows {@code rlhf.model-versions} from the beginning (the topic is compacted, so that is the newest
 * announcement per kind plus whatever came since) and hands each announcement of the watched kinds to the
 * listeners, on its own thread ({@link TopicFollower}: every replica reads the whole topic, since each must load every
 * new version, and it waits for its cluster itself).
 */
public final class ModelVersionWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelVersionWatcher.class);

    private final Set<ModelKind> kinds;
    private final List<Consumer<ModelVersion>> listeners = new CopyOnWriteArrayList<>();
    private final TopicFollower follower;

    public ModelVersionWatcher(String bootstrapServers, String clientId, Set<ModelKind> kinds) {
        this.kinds = Set.copyOf(kinds);
        this.follower = new TopicFollower(bootstrapServers, clientId, Topic.MODEL_VERSIONS, this::dispatch);
    }

    /** Adds a listener; call before {@link #start()}. */
    public ModelVersionWatcher onVersion(Consumer<ModelVersion> listener) {
        listeners.add(listener);
        return this;
    }

    public ModelVersionWatcher start() {
        follower.start();
        return this;
    }

    private void dispatch(ConsumerRecord<String, byte[]> r) {
        ModelVersion version;
        try {
            version = ModelVersion.parseFrom(r.value());
        } catch (InvalidProtocolBufferException | NullPointerException e) {
            LOG.warnf("skipping unreadable model-version record at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return;
        }
        if (!kinds.contains(version.getKind())) {
            return;
        }
        for (Consumer<ModelVersion> l : listeners) {
            try {
                l.accept(version);
            } catch (RuntimeException e) {
                LOG.errorf(e, "loading %s v%d failed: %s", version.getKind(), version.getVersion(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
