package rlhf.trainer.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import rlhf.model.v1.ModelVersion;
import rlhf.wire.Topic;

/**
 * Announces published versions on {@code rlhf.model-versions} (key: the model kind's name, value: the ModelVersion's
 * protobuf bytes) and waits for the broker's acknowledgement from all in-sync replicas, so that a job reports
 * success only once every consumer can see the version. The producer is idempotent (no duplicate on retry) and is
 * created on first use, so a trainer without a reachable broker still boots.
 */
public final class ModelVersionAnnouncer implements AutoCloseable {

    private final String bootstrapServers;
    private final Duration timeout;
    private KafkaProducer<String, byte[]> producer;

    public ModelVersionAnnouncer(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** Sends and waits for the acknowledgement; returns the record's offset. */
    public synchronized long announce(ModelVersion version) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.MODEL_VERSIONS.topicName(),
                version.getKind().name(), version.toByteArray());
        try {
            RecordMetadata ack = producer().send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ack.offset();
        } catch (ExecutionException e) {
            throw new AnnouncementException("broker rejected the announcement: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new AnnouncementException("no acknowledgement from " + bootstrapServers + " within "
                    + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnnouncementException("interrupted while announcing", e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.CLIENT_ID_CONFIG, "trainer-model-versions",
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis()),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    /** The version was published in the store but its announcement did not reach the broker. */
    public static final class AnnouncementException extends RuntimeException {
        AnnouncementException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
