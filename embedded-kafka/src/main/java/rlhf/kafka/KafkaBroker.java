package rlhf.kafka;

/** A running Kafka broker that clients reach at {@link #bootstrapServers()}; closing it stops it. */
public interface KafkaBroker extends AutoCloseable {

    /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:39211}. */
    String bootstrapServers();

    /** Stops the broker; idempotent. */
    @Override
    void close();
}
