package dev.dreamina.spring;

import dev.dreamina.AwaitOptions;
import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientAsync;
import dev.dreamina.JobListener;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link DreaminaClient} and its {@link DreaminaClientAsync} view from the {@code dreamina.*}
 * properties, closed with the context; a journal when {@code dreamina.journal.type} asks for one;
 * a {@link RunComfySandbox} when {@code dreamina.sandbox.enabled=true}; recovery of unfinished
 * jobs when {@code dreamina.journal.recovery.enabled=true}. Every {@link JobListener} bean is told
 * the client's job events. Each bean steps aside for one of the application's own.
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

  /** The sandbox, for local runs and tests: no real jobs, no credits. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "dreamina.sandbox.enabled", havingValue = "true")
  @ConditionalOnMissingBean
  public RunComfySandbox dreaminaSandbox() {
    RunComfySandbox sandbox = RunComfySandbox.start();
    LOG.warn(
        "dreamina.sandbox.enabled=true: the client talks to an embedded sandbox at {}; no real jobs are run"
            + " and no credits are spent",
        sandbox.baseUrl());
    return sandbox;
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
   * or RUNCOMFY_TOKEN; with the sandbox on, the sandbox's.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public DreaminaClient dreaminaClient(
      DreaminaProperties properties,
      ObjectProvider<RunComfySandbox> sandbox,
      ObjectProvider<SubmissionJournal> journal,
      ObjectProvider<JobListener> listeners) {
    RunComfySandbox box = sandbox.getIfAvailable();
    DreaminaClient.Builder builder = box != null ? box.clientBuilder() : DreaminaClient.builder().fromEnv();
    if (box == null && properties.getApiToken() != null) {
      builder.apiToken(properties.getApiToken());
    }
    if (box == null && properties.getBaseUrl() != null) {
      builder.baseUrl(properties.getBaseUrl());
    }
    if (properties.getMaxRetries() != null) {
      builder.maxRetries(properties.getMaxRetries());
    }
    if (properties.getConnectTimeout() != null) {
      builder.connectTimeout(properties.getConnectTimeout());
    }
    if (properties.getRequestTimeout() != null) {
      builder.requestTimeout(properties.getRequestTimeout());
    }
    if (properties.getMaxRetryAfter() != null) {
      builder.maxRetryAfter(properties.getMaxRetryAfter());
    }
    if (properties.getMaxDownloadBytes() != null) {
      builder.maxDownloadBytes(properties.getMaxDownloadBytes());
    }
    builder.preflightImages(properties.isPreflightImages());
    builder.awaitOptions(awaitOptions(properties.getAwait()));
    journal.ifAvailable(builder::journal);
    DreaminaProperties.Journal journalProperties = properties.getJournal();
    if (journalProperties.getInstanceId() != null) {
      builder.instanceId(journalProperties.getInstanceId());
    }
    if (journalProperties.getLease() != null) {
      builder.journalLease(journalProperties.getLease());
    }
    List<JobListener> all = listeners.orderedStream().toList();
    if (!all.isEmpty()) {
      builder.jobListener(all.size() == 1 ? all.get(0) : new JobListeners(all));
    }
    return builder.build();
  }

  private static AwaitOptions awaitOptions(DreaminaProperties.Await await) {
    AwaitOptions.Builder options = AwaitOptions.builder();
    if (await.getPollInterval() != null) {
      options.pollInterval(await.getPollInterval());
    }
    if (await.getMaxPollInterval() != null) {
      options.maxPollInterval(await.getMaxPollInterval());
    }
    if (await.getTimeout() != null) {
      options.timeout(await.getTimeout());
    }
    return options.build();
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
