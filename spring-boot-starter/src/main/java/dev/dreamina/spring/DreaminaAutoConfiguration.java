package dev.dreamina.spring;

import dev.dreamina.AwaitOptions;
import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientBuilder;
import dev.dreamina.DreaminaClientAsync;
import dev.dreamina.JobListener;
import dev.dreamina.images.ImageHost;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link DreaminaClient} and its {@link DreaminaClientAsync} view from the {@code dreamina.*}
 * properties, closed with the context; a journal when {@code dreamina.journal.type} asks for one;
 * a {@code RunComfySandbox} when {@code dreamina.sandbox.enabled=true} (from {@code
 * dreamina-java-sandbox}, an optional dependency the app adds); recovery of unfinished
 * jobs when {@code dreamina.journal.recovery.enabled=true}. Every {@link JobListener} bean is told
 * the client's job events. Each bean steps aside for one of the application's own, except
 * recovery, which {@code dreamina.journal.recovery.enabled} turns on and off.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration", // Boot 3
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" // Boot 4
    })
@ConditionalOnClass(DreaminaClient.class)
@EnableConfigurationProperties(DreaminaProperties.class)
public class DreaminaAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(DreaminaAutoConfiguration.class);

  static final String SANDBOX_CLASS = "dev.dreamina.sandbox.RunComfySandbox";

  /**
   * A client builder pointed at the context's sandbox, when it has one. The client's bean method
   * names this type, never the sandbox's, so the auto-configuration loads without the sandbox jar.
   */
  @FunctionalInterface
  interface SandboxClients {
    Optional<DreaminaClientBuilder> builder();
  }

  /** The sandbox, for local runs and tests: no real jobs, no credits. Only with its jar present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = SANDBOX_CLASS)
  static class SandboxConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dreamina.sandbox.enabled", havingValue = "true")
    @ConditionalOnMissingBean
    RunComfySandbox dreaminaSandbox() {
      RunComfySandbox sandbox = RunComfySandbox.start();
      LOG.warn(
          "dreamina.sandbox.enabled=true: the client talks to an embedded sandbox at {}; no real jobs are run"
              + " and no credits are spent",
          sandbox.baseUrl());
      return sandbox;
    }

    /** The sandbox bean, whether this configuration or the application made it. */
    @Bean
    SandboxClients dreaminaSandboxClients(ObjectProvider<RunComfySandbox> sandbox) {
      return () ->
          Optional.ofNullable(sandbox.getIfAvailable())
              .map(box -> DreaminaClient.builder().fromEnv().baseUrl(box.baseUrl()).apiToken(box.apiToken()));
    }
  }

  /** The journal that {@code dreamina.journal.type} names; none is a bean of its own for NONE. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(name = "dreamina.journal.type", havingValue = "file")
  public SubmissionJournal dreaminaFileJournal(DreaminaProperties properties) {
    String path = properties.getJournal().getPath();
    if (path == null || path.isBlank()) {
      throw new IllegalStateException("dreamina.journal.type=file needs dreamina.journal.path");
    }
    return FileSubmissionJournal.open(Path.of(path));
  }

  /** The journal in the application's DataSource. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(name = "dreamina.journal.type", havingValue = "jdbc")
  public SubmissionJournal dreaminaJdbcJournal(DreaminaProperties properties, ObjectProvider<DataSource> dataSource) {
    DataSource source = dataSource.getIfUnique();
    if (source == null) {
      throw new IllegalStateException("dreamina.journal.type=jdbc needs one DataSource bean in the context");
    }
    JdbcSubmissionJournal journal = JdbcSubmissionJournal.of(source, properties.getJournal().getTable());
    return properties.getJournal().isCreateTable() ? journal.createTableIfMissing() : journal;
  }

  /**
   * The client. Its token: {@code dreamina.api-token}, else the environment's RUNCOMFY_API_TOKEN
   * or RUNCOMFY_TOKEN; with the sandbox on, the sandbox's. A blank {@code dreamina.api-token}, or
   * one that is still an unresolved placeholder ({@code ${RUNCOMFY_API_TOKEN}} with the variable
   * unset: Boot leaves the text as it is), counts as none, and without any token start-up fails
   * naming all three.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public DreaminaClient dreaminaClient(
      DreaminaProperties properties,
      ObjectProvider<SandboxClients> sandbox,
      ObjectProvider<SubmissionJournal> journal,
      ObjectProvider<JobListener> listeners,
      ObjectProvider<ImageHost> imageHost,
      ObjectProvider<DreaminaClientCustomizer> customizers) {
    DreaminaClientBuilder sandboxed = sandbox.getIfAvailable(() -> Optional::empty).builder().orElse(null);
    if (sandboxed == null && properties.getSandbox().isEnabled()) {
      throw new IllegalStateException(
          "dreamina.sandbox.enabled=true, but the sandbox is not on the class path: add the dependency"
              + " dreamina-java-sandbox (the SDK's version; test scope for tests, runtime scope for a local"
              + " demo), or set dreamina.sandbox.enabled=false and give a token.");
    }
    DreaminaClientBuilder builder = sandboxed != null ? sandboxed : DreaminaClient.builder().fromEnv();
    if (sandboxed == null) {
      String token = token(properties.getApiToken());
      if (token != null) {
        builder.apiToken(token);
      } else if (token(System.getenv(DreaminaClient.ENV_API_TOKEN)) == null
          && token(System.getenv(DreaminaClient.ENV_TOKEN_FALLBACK)) == null) {
        throw new IllegalStateException(noToken(properties.getApiToken()));
      }
    }
    PropertyMapper map = PropertyMapper.get();
    if (sandboxed == null) {
      map.from(properties::getBaseUrl).when(Objects::nonNull).to(builder::baseUrl);
    }
    map.from(properties::getMaxRetries).when(Objects::nonNull).to(builder::maxRetries);
    map.from(properties::getConnectTimeout).when(Objects::nonNull).to(builder::connectTimeout);
    map.from(properties::getRequestTimeout).when(Objects::nonNull).to(builder::requestTimeout);
    map.from(properties::getMaxRetryAfter).when(Objects::nonNull).to(builder::maxRetryAfter);
    map.from(properties::getMaxDownloadBytes).when(Objects::nonNull).to(builder::maxDownloadBytes);
    map.from(properties::getCloseGrace).when(Objects::nonNull).to(builder::closeGrace);
    map.from(properties::getSpendLimit).when(Objects::nonNull).to(builder::spendLimit);
    map.from(properties::getWireLog).when(Objects::nonNull).to(builder::wireLog);
    builder.preflightImages(properties.isPreflightImages());
    builder.reuseIdentical(properties.isReuseIdentical());
    builder.awaitOptions(awaitOptions(map, properties.getAwait()));
    journal.ifAvailable(builder::journal);
    List<dev.dreamina.Budget> budgets = properties.getBudget().budgets();
    if (!budgets.isEmpty()) {
      builder.spendLimit(budgets.toArray(dev.dreamina.Budget[]::new));
    }
    DreaminaProperties.Journal journalProperties = properties.getJournal();
    map.from(journalProperties::getInstanceId).when(Objects::nonNull).to(builder::instanceId);
    map.from(journalProperties::getLease).when(Objects::nonNull).to(builder::journalLease);
    List<JobListener> all = listeners.orderedStream().toList();
    if (!all.isEmpty()) {
      builder.jobListener(all.size() == 1 ? all.get(0) : new JobListeners(all));
    }
    imageHost.ifAvailable(builder::imageHost);
    map.from(properties.getImageHost()::getUrlLifetime).when(Objects::nonNull).to(builder::imageUrlLifetime);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /** A token, or {@code null} when the text is none: unset, blank, or an unresolved placeholder. */
  static String token(String text) {
    return text == null || text.isBlank() || text.contains("${") ? null : text;
  }

  private static String noToken(String property) {
    String placeholder =
        property != null && property.contains("${")
            ? " (dreamina.api-token is " + property + ": a placeholder whose variable is not set)"
            : "";
    return "No RunComfy API token: set dreamina.api-token, or " + DreaminaClient.ENV_API_TOKEN + " (or "
        + DreaminaClient.ENV_TOKEN_FALLBACK + ") in the environment" + placeholder
        + "; or dreamina.sandbox.enabled=true to try the SDK without one.";
  }

  private static AwaitOptions awaitOptions(PropertyMapper map, DreaminaProperties.Await await) {
    AwaitOptions.Builder options = AwaitOptions.builder();
    map.from(await::getPollInterval).when(Objects::nonNull).to(options::pollInterval);
    map.from(await::getMaxPollInterval).when(Objects::nonNull).to(options::maxPollInterval);
    map.from(await::getTimeout).when(Objects::nonNull).to(options::timeout);
    options.cancelOnTimeout(await.isCancelOnTimeout());
    options.cancelOnAbort(await.isCancelOnAbort());
    return options.build();
  }

  /**
   * The S3 image host, when {@code dreamina-java-s3} is on the class path and {@code
   * dreamina.image-host.s3.bucket} is set: with the app's {@code S3Client} bean when it has one,
   * else its {@code AwsCredentialsProvider} bean, else the AWS default chain.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.dreamina.s3.S3ImageHost")
  static class S3ImageHostConfiguration {
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "dreamina.image-host.s3.bucket")
    ImageHost dreaminaImageHost(
        DreaminaProperties properties,
        ObjectProvider<software.amazon.awssdk.services.s3.S3Client> s3Client,
        ObjectProvider<software.amazon.awssdk.auth.credentials.AwsCredentialsProvider> credentials) {
      ImageHostProperties.S3 s3 = properties.getImageHost().getS3();
      dev.dreamina.s3.S3ImageHost.Builder host =
          dev.dreamina.s3.S3ImageHost.builder().bucket(s3.getBucket()).prefix(s3.getPrefix()).removeWhenDone(s3.isRemoveWhenDone());
      software.amazon.awssdk.services.s3.S3Client client = s3Client.getIfUnique();
      if (client != null) {
        return host.s3Client(client).build();
      }
      PropertyMapper map = PropertyMapper.get();
      map.from(s3::getRegion).when(Objects::nonNull).to(host::region);
      map.from(s3::getEndpoint).when(Objects::nonNull).to(host::endpoint);
      host.pathStyle(s3.isPathStyle());
      credentials.ifUnique(host::credentials);
      return host.build();
    }
  }

  /** Gauges of the budgets' windows, with Micrometer and a MeterRegistry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class BudgetMetrics {
    @Bean
    @ConditionalOnMissingBean
    BudgetGauges dreaminaBudgetGauges(DreaminaClient client, ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
      BudgetGauges gauges = new BudgetGauges(client);
      registry.ifAvailable(gauges::bindTo);
      return gauges;
    }
  }

  /** The client's async view. */
  @Bean
  @ConditionalOnMissingBean
  public DreaminaClientAsync dreaminaClientAsync(DreaminaClient client) {
    return client.async();
  }

  /** Recovery passes over the journal, on start-up and then every {@code interval}. */
  @Bean
  @ConditionalOnProperty(name = "dreamina.journal.recovery.enabled", havingValue = "true")
  public DreaminaRecovery dreaminaRecovery(DreaminaClient client, DreaminaProperties properties) {
    return new DreaminaRecovery(
        client, properties.getJournal().getRecovery().getInterval(), properties.getJournal().getRecovery().getRetention());
  }
}
