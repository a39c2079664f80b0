package dev.dreamina.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dreamina.*} properties. Unset ones keep the SDK's defaults, listed in the guide (docs/configuration.md).
 */
@ConfigurationProperties("dreamina")
public class DreaminaProperties {
  /**
   * The RunComfy API token. Unset: RUNCOMFY_API_TOKEN, else RUNCOMFY_TOKEN, from the environment.
   */
  private String apiToken;

  /** The API's base URL. Unset: RUNCOMFY_BASE_URL, else https://model-api.runcomfy.net. */
  private String baseUrl;

  /** How many times a failed call is retried (never a submit that may have reached the server). */
  private Integer maxRetries;

  /** How long to wait for a connection. */
  private Duration connectTimeout;

  /** How long one HTTP exchange may take; each retry gets its own. */
  private Duration requestTimeout;

  /** The longest Retry-After the client waits; a longer one fails the call. */
  private Duration maxRetryAfter;

  /** The largest video the client downloads, in bytes. */
  private Long maxDownloadBytes;

  /** How long closing the client (with the context) lets downloads under way finish before it stops them. */
  private Duration closeGrace;

  /** Whether each submit first checks its image (type, size, dimensions), so a bad one is never paid. */
  private boolean preflightImages;

  /**
   * Whether a request identical to a completed one of this account, its seed fixed, is that job:
   * no submit, the earlier result. Needs dreamina.journal.type.
   */
  private boolean reuseIdentical;

  /**
   * The most the client's submits may commit, in US dollars (each job's estimate from the model's
   * price); a submit past it is refused before anything is sent. Unset: no limit.
   */
  private java.math.BigDecimal spendLimit;

  /**
   * How much of each HTTP exchange with RunComfy to log on dev.dreamina.wire: off, info (a line
   * per exchange) or debug (headers and bodies too, credentials redacted). Unset: the environment's
   * DREAMINA_LOG, else off.
   */
  private dev.dreamina.WireLog wireLog;

  private final Await await = new Await();
  private final Budget budget = new Budget();
  private final Journal journal = new Journal();
  private final Sandbox sandbox = new Sandbox();
  private final Endpoint endpoint = new Endpoint();

  /** Where local images are published. */
  @org.springframework.boot.context.properties.NestedConfigurationProperty
  private final ImageHostProperties imageHost = new ImageHostProperties();

  /** How the client waits for jobs. */
  public static class Await {
    /** The first wait between two status polls. */
    private Duration pollInterval;

    /** The longest wait between two polls (the interval grows to it). */
    private Duration maxPollInterval;

    /** How long to wait for a job in all. */
    private Duration timeout;

    /** Whether a wait that times out cancels its job (one bounded attempt), so that it stops costing. */
    private boolean cancelOnTimeout;

    /** Whether a wait given up (an async wait cancelled, a generate cancelled in flight) cancels its job. */
    private boolean cancelOnAbort;

    public boolean isCancelOnTimeout() {
      return cancelOnTimeout;
    }

    public void setCancelOnTimeout(boolean cancelOnTimeout) {
      this.cancelOnTimeout = cancelOnTimeout;
    }

    public boolean isCancelOnAbort() {
      return cancelOnAbort;
    }

    public void setCancelOnAbort(boolean cancelOnAbort) {
      this.cancelOnAbort = cancelOnAbort;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getMaxPollInterval() {
      return maxPollInterval;
    }

    public void setMaxPollInterval(Duration maxPollInterval) {
      this.maxPollInterval = maxPollInterval;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /**
   * Spend limits kept in the journal, which every instance sharing it shares
   * (DreaminaClientBuilder.spendLimit(Budget...)); each needs dreamina.journal.type.
   */
  public static class Budget {
    /** The most every instance together may commit per day, in US dollars. Unset: no daily budget. */
    private java.math.BigDecimal perDay;

    /** The most every instance together may commit per month, in US dollars. Unset: no monthly budget. */
    private java.math.BigDecimal perMonth;

    /** The most every instance together may commit in all, in US dollars. Unset: none. */
    private java.math.BigDecimal total;

    /** The zone whose days and months the budgets count. */
    private java.time.ZoneId zone = java.time.ZoneId.of("UTC");

    /** The budgets set, in the order day, month, total. */
    java.util.List<dev.dreamina.Budget> budgets() {
      java.util.List<dev.dreamina.Budget> budgets = new java.util.ArrayList<>();
      if (perDay != null) {
        budgets.add(dev.dreamina.Budget.perDay(perDay).inZone(zone));
      }
      if (perMonth != null) {
        budgets.add(dev.dreamina.Budget.perMonth(perMonth).inZone(zone));
      }
      if (total != null) {
        budgets.add(dev.dreamina.Budget.total(total));
      }
      return budgets;
    }

    public java.math.BigDecimal getPerDay() {
      return perDay;
    }

    public void setPerDay(java.math.BigDecimal perDay) {
      this.perDay = perDay;
    }

    public java.math.BigDecimal getPerMonth() {
      return perMonth;
    }

    public void setPerMonth(java.math.BigDecimal perMonth) {
      this.perMonth = perMonth;
    }

    public java.math.BigDecimal getTotal() {
      return total;
    }

    public void setTotal(java.math.BigDecimal total) {
      this.total = total;
    }

    public java.time.ZoneId getZone() {
      return zone;
    }

    public void setZone(java.time.ZoneId zone) {
      this.zone = zone;
    }
  }

  /** Where paid jobs are journaled, so that none is lost in a crash. */
  public static class Journal {
    /** none, file (at path) or jdbc (in the app's DataSource, table). */
    private JournalType type = JournalType.NONE;

    /** The journal file, for type file. */
    private String path;

    /** The table, for type jdbc. */
    private String table = "dreamina_journal";

    /** Whether to create the table when it is missing (tests, small apps; production uses migrations). */
    private boolean createTable;

    /** This instance's name in the journal's leases. Unset: $HOSTNAME/pid/random. */
    private String instanceId;

    /** How long a job's lease lasts unrenewed. */
    private Duration lease;

    private final Recovery recovery = new Recovery();

    public JournalType getType() {
      return type;
    }

    public void setType(JournalType type) {
      this.type = type;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public String getTable() {
      return table;
    }

    public void setTable(String table) {
      this.table = table;
    }

    public boolean isCreateTable() {
      return createTable;
    }

    public void setCreateTable(boolean createTable) {
      this.createTable = createTable;
    }

    public String getInstanceId() {
      return instanceId;
    }

    public void setInstanceId(String instanceId) {
      this.instanceId = instanceId;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      this.lease = lease;
    }

    public Recovery getRecovery() {
      return recovery;
    }
  }

  /** Finishing the unfinished jobs in the journal, on start-up and then periodically. */
  public static class Recovery {
    /** Whether recovery runs. */
    private boolean enabled;

    /** The time between two recovery passes. */
    private Duration interval = Duration.ofMinutes(1);

    /**
     * How long finished journal entries are kept: the recovery passes delete older ones, at most
     * once an hour, never an unfinished one. Longer than any batch you may resume. 0 keeps all.
     */
    private Duration retention = Duration.ofDays(30);

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }
  }

  /** The kinds of journal. */
  public enum JournalType {
    /** No journal. */
    NONE,
    /** A JSON file. */
    FILE,
    /** A table in the app's DataSource. */
    JDBC
  }

  /** The embedded sandbox, instead of RunComfy. */
  public static class Sandbox {
    /** Whether to start a sandbox and point the client at it: no real jobs, no credits. */
    private boolean enabled;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The actuator endpoint "dreamina". */
  public static class Endpoint {
    /** Whether the endpoint shows each pending job's prompt. */
    private boolean showPrompts;

    public boolean isShowPrompts() {
      return showPrompts;
    }

    public void setShowPrompts(boolean showPrompts) {
      this.showPrompts = showPrompts;
    }
  }

  public String getApiToken() {
    return apiToken;
  }

  public void setApiToken(String apiToken) {
    this.apiToken = apiToken;
  }

  public String getBaseUrl() {
    return baseUrl;
  }

  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public Integer getMaxRetries() {
    return maxRetries;
  }

  public void setMaxRetries(Integer maxRetries) {
    this.maxRetries = maxRetries;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public Duration getMaxRetryAfter() {
    return maxRetryAfter;
  }

  public void setMaxRetryAfter(Duration maxRetryAfter) {
    this.maxRetryAfter = maxRetryAfter;
  }

  public Long getMaxDownloadBytes() {
    return maxDownloadBytes;
  }

  public void setMaxDownloadBytes(Long maxDownloadBytes) {
    this.maxDownloadBytes = maxDownloadBytes;
  }

  public Duration getCloseGrace() {
    return closeGrace;
  }

  public void setCloseGrace(Duration closeGrace) {
    this.closeGrace = closeGrace;
  }

  public dev.dreamina.WireLog getWireLog() {
    return wireLog;
  }

  public void setWireLog(dev.dreamina.WireLog wireLog) {
    this.wireLog = wireLog;
  }

  public java.math.BigDecimal getSpendLimit() {
    return spendLimit;
  }

  public void setSpendLimit(java.math.BigDecimal spendLimit) {
    this.spendLimit = spendLimit;
  }

  public boolean isPreflightImages() {
    return preflightImages;
  }

  public boolean isReuseIdentical() {
    return reuseIdentical;
  }

  public void setReuseIdentical(boolean reuseIdentical) {
    this.reuseIdentical = reuseIdentical;
  }

  public void setPreflightImages(boolean preflightImages) {
    this.preflightImages = preflightImages;
  }

  public Await getAwait() {
    return await;
  }

  public Journal getJournal() {
    return journal;
  }

  public Budget getBudget() {
    return budget;
  }

  public Sandbox getSandbox() {
    return sandbox;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  public ImageHostProperties getImageHost() {
    return imageHost;
  }

  /** Leaves the token out. */
  @Override
  public String toString() {
    return "DreaminaProperties{baseUrl=" + baseUrl + ", apiToken=" + (apiToken == null ? "unset" : "set") + "}";
  }
}
