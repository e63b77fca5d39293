package rlhf.service;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * One run-time switch that puts a service's port and its outgoing gRPC calls under TLS: {@code rlhf.tls.enabled=true}
 * ({@code RLHF_TLS_ENABLED=true}) with the PEM files {@code rlhf.tls.certificate} and {@code rlhf.tls.key} (a Kubernetes
 * TLS Secret's {@code tls.crt} and {@code tls.key}) and, optionally, {@code rlhf.tls.trust-certificates} (the CA the
 * clients trust; default: the certificate itself, which is right for a self-signed pair).
 *
 * <p>It writes the Quarkus keys that do the work, so they can be read here in one place:
 * <ul>
 * <li>a TLS registry configuration named {@value #CONFIGURATION} ({@code quarkus.tls.rlhf.*}) with the key pair and the
 * trusted certificates;</li>
 * <li>the HTTP server on it, which also carries gRPC ({@code quarkus.grpc.server.use-separate-server=false}): HTTPS
 * moves onto the service's own port ({@code quarkus.http.ssl-port=${quarkus.http.port}}) and the plain HTTP server is
 * not started at all ({@code quarkus.http.insecure-requests=disabled}). Plain HTTP or plaintext gRPC to the port is
 * therefore refused, not redirected: the TLS handshake fails and the connection is closed;</li>
 * <li>every gRPC client the configuration declares ({@code quarkus.grpc.clients.<name>.host} or {@code .port} in a
 * properties file or a {@code -D} flag): TLS, trusting the trusted certificates, the host name verified against the
 * certificate's subject alternative names ({@code ssl.trust-store} for the default grpc-java client,
 * {@code tls-configuration-name} for Quarkus' Vert.x client).</li>
 * </ul>
 *
 * <p>The keys sit at ordinal {@value #ORDINAL}: below application.properties (250), the environment (300) and system
 * properties (400), so any one of them set there explicitly wins over the switch. Off (the default), it adds nothing.
 * A switch that is on without its files, or a value other than true/false, stops the service at boot naming the key.
 * Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}; everything it sets is run-time
 * configuration, so the packaged apps need no rebuild.
 */
public final class TlsSwitch implements ConfigSourceFactory {

    /** The switch: true or false (default). */
    public static final String ENABLED = "rlhf.tls.enabled";
    /** PEM certificate chain the service presents. */
    public static final String CERTIFICATE = "rlhf.tls.certificate";
    /** PEM private key of that certificate (PKCS#8 or PKCS#1). */
    public static final String KEY = "rlhf.tls.key";
    /** One PEM file of the certificates the gRPC clients trust; default {@link #CERTIFICATE}. */
    public static final String TRUST_CERTIFICATES = "rlhf.tls.trust-certificates";
    /** The name of the TLS registry configuration the switch defines ({@code quarkus.tls.rlhf.*}). */
    public static final String CONFIGURATION = "rlhf";
    /** Above META-INF/microprofile-config.properties (100), below application.properties (250). */
    static final int ORDINAL = 200;

    /** A client's host or port, the way a properties file or a -D flag names it (not an environment variable). */
    private static final Pattern CLIENT = Pattern.compile("quarkus\\.grpc\\.clients\\.([A-Za-z0-9_-]+)\\.(host|port)");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!enabled(value(context, ENABLED))) {
            return List.of();
        }
        require(context, CERTIFICATE, "the PEM certificate chain the service presents (a TLS Secret's tls.crt)");
        require(context, KEY, "the PEM private key of that certificate (a TLS Secret's tls.key)");
        Set<String> clients = grpcClients(context.iterateNames());
        return List.of(new PropertiesConfigSource(quarkusKeys(clients), "TlsSwitch (" + ENABLED + "=true)", ORDINAL));
    }

    /** The Quarkus keys behind the switch, for a service whose gRPC clients are {@code clients}. */
    static Map<String, String> quarkusKeys(Set<String> clients) {
        String trust = "${" + TRUST_CERTIFICATES + ":${" + CERTIFICATE + "}}";
        String registry = "quarkus.tls." + CONFIGURATION + ".";
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(registry + "key-store.pem.service.cert", "${" + CERTIFICATE + "}");
        keys.put(registry + "key-store.pem.service.key", "${" + KEY + "}");
        keys.put(registry + "trust-store.pem.certs", trust);
        keys.put("quarkus.http.tls-configuration-name", CONFIGURATION);
        keys.put("quarkus.http.ssl-port", "${quarkus.http.port}");
        keys.put("quarkus.http.insecure-requests", "disabled");
        for (String client : clients) {
            String prefix = "quarkus.grpc.clients." + client + ".";
            keys.put(prefix + "plain-text", "false");
            keys.put(prefix + "ssl.trust-store", trust);
            keys.put(prefix + "tls-configuration-name", CONFIGURATION);
        }
        return keys;
    }

    /** Names of the gRPC clients declared among {@code names} (profile-specific names such as {@code %test.…} aside). */
    static Set<String> grpcClients(Iterator<String> names) {
        Set<String> clients = new TreeSet<>();
        while (names.hasNext()) {
            Matcher m = CLIENT.matcher(names.next());
            if (m.matches()) {
                clients.add(m.group(1));
            }
        }
        return clients;
    }

    static boolean enabled(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(ENABLED + " must be true or false, was '" + value + "'");
    }

    private static void require(ConfigSourceContext context, String key, String what) {
        String value = value(context, key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(ENABLED + "=true needs " + key + " (" + environmentName(key) + "): "
                    + what);
        }
    }

    private static String value(ConfigSourceContext context, String key) {
        ConfigValue value = context.getValue(key);
        return value == null ? null : value.getValue();
    }

    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
