package dev.dreamina;

import dev.dreamina.journal.SubmissionJournal;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;

/**
 * A spend limit that lives in the journal, so that every instance sharing it shares the limit:
 * so much per day, per month, or in total, in US dollars, for one account. Set it with {@link
 * DreaminaClientBuilder#spendLimit(Budget...)}. A submit commits its estimate against the current
 * window before it is sent, in the same atomic write as its intent, or is refused with nothing
 * sent ({@link dev.dreamina.errors.SpendLimitException}, naming the window); a job that failed, was
 * cancelled or was never made gives its estimate back, and a completed one's real cost replaces
 * its estimate when RunComfy reports it. Windows are judged on the journal's clock (a database's,
 * for a JDBC journal), in UTC unless {@link #inZone} says otherwise. Immutable.
 */
public final class Budget {
  /** How long one window of a budget lasts. */
  public enum Period {
    /** A calendar day in the budget's zone. */
    DAY,
    /** A calendar month in the budget's zone. */
    MONTH,
    /** For ever: one window. */
    TOTAL
  }

  private static final ZoneId UTC = ZoneId.of("UTC");

  private final Period period;
  private final BigDecimal limit;
  private final ZoneId zone;

  private Budget(Period period, BigDecimal limit, ZoneId zone) {
    this.period = period;
    this.limit = limit;
    this.zone = zone;
  }

  /**
   * At most {@code limitUsd} per calendar day (UTC unless {@link #inZone}).
   *
   * @param limitUsd US dollars, zero or more
   * @return the budget
   */
  public static Budget perDay(BigDecimal limitUsd) {
    return new Budget(Period.DAY, checked(limitUsd), UTC);
  }

  /**
   * At most {@code limitUsd} per calendar month (UTC unless {@link #inZone}).
   *
   * @param limitUsd US dollars, zero or more
   * @return the budget
   */
  public static Budget perMonth(BigDecimal limitUsd) {
    return new Budget(Period.MONTH, checked(limitUsd), UTC);
  }

  /**
   * At most {@code limitUsd} in all.
   *
   * @param limitUsd US dollars, zero or more
   * @return the budget
   */
  public static Budget total(BigDecimal limitUsd) {
    return new Budget(Period.TOTAL, checked(limitUsd), UTC);
  }

  private static BigDecimal checked(BigDecimal limitUsd) {
    Objects.requireNonNull(limitUsd, "limitUsd == null");
    if (limitUsd.signum() < 0) {
      throw new IllegalArgumentException("a budget's limit must be zero or more: " + limitUsd);
    }
    return limitUsd;
  }

  /**
   * This budget with its days or months in another zone: {@code perDay(…).inZone(ZoneId.of("Europe/Paris"))}
   * starts each day at midnight in Paris.
   *
   * @param zone the zone
   * @return the budget in that zone
   */
  public Budget inZone(ZoneId zone) {
    return new Budget(period, limit, Objects.requireNonNull(zone, "zone == null"));
  }

  /**
   * How long a window lasts.
   *
   * @return the period
   */
  public Period period() {
    return period;
  }

  /**
   * The most a window may commit.
   *
   * @return US dollars
   */
  public BigDecimal limit() {
    return limit;
  }

  /**
   * The zone whose days or months the windows are.
   *
   * @return the zone
   */
  public ZoneId zone() {
    return zone;
  }

  /**
   * The window that {@code at} falls in, as the journal names it: {@code day:2026-12-07@UTC},
   * {@code month:2026-12@Europe/Paris} or {@code total}. Every budget of one period and zone shares
   * its windows (what was committed today is the same, whatever the limit). A journal computes it
   * from its own clock ({@link SubmissionJournal#clock()}, or this machine's).
   *
   * @param at a time
   * @return the window's name
   */
  public String windowAt(Instant at) {
    LocalDate date = at.atZone(zone).toLocalDate();
    return switch (period) {
      case DAY -> "day:" + date + "@" + zone.getId();
      case MONTH -> "month:" + date.toString().substring(0, 7) + "@" + zone.getId();
      case TOTAL -> "total";
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Budget b && b.period == period && b.limit.compareTo(limit) == 0 && b.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(period, limit.stripTrailingZeros(), zone);
  }

  /** As {@code 50 USD per day (UTC)}. */
  @Override
  public String toString() {
    String per = period == Period.TOTAL ? "in total" : "per " + period.name().toLowerCase(Locale.ROOT);
    return limit.toPlainString() + " USD " + per + (period == Period.TOTAL ? "" : " (" + zone.getId() + ")");
  }
}
