package dev.dreamina;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What RunComfy charges for this model, from {@link DreaminaClient#price()}.
 *
 * @param modelId the model the price is for; always {@link DreaminaClient#MODEL_ID}
 * @param basePriceUsd the base price in US dollars, zero or more, exact
 * @param priceUnit what the base price is per, for example {@code "second"}
 * @param note RunComfy's pricing note, when sent
 * @param additionalProperties fields of the answer this SDK does not model, and known fields it
 *     could not read, as sent
 */
public record Price(
    String modelId,
    BigDecimal basePriceUsd,
    String priceUnit,
    Optional<String> note,
    Map<String, Object> additionalProperties) {

  /** The unit for which {@link #estimate} can work out a cost. */
  public static final String PER_SECOND = "second";

  /**
   * Creates a price.
   *
   * @param modelId the model id
   * @param basePriceUsd the base price, zero or more
   * @param priceUnit the unit
   * @param note the note
   * @param additionalProperties unmodelled fields
   */
  public Price {
    Objects.requireNonNull(modelId, "modelId == null");
    Objects.requireNonNull(basePriceUsd, "basePriceUsd == null");
    Objects.requireNonNull(priceUnit, "priceUnit == null");
    Objects.requireNonNull(note, "note == null");
    if (basePriceUsd.signum() < 0) {
      throw new IllegalArgumentException("basePriceUsd < 0: " + basePriceUsd);
    }
    additionalProperties = Models.copy(additionalProperties);
  }

  /**
   * What the request should cost, where the unit allows working it out. For a price per {@value
   * #PER_SECOND}: 121 frames are about 5 seconds, 241 frames about 10, and unset frames count as
   * 121 (the server's default). For any other unit it returns empty rather than guess.
   *
   * <p>An estimate, not a quote: {@link RequestResult#cost()} says what a job did cost.
   *
   * @param request the request
   * @return the estimated cost in US dollars, or empty when the unit is not per second
   */
  public Optional<BigDecimal> estimate(ImageToVideoRequest request) {
    Objects.requireNonNull(request, "request == null");
    if (!priceUnit.trim().toLowerCase(Locale.ROOT).equals(PER_SECOND)) {
      return Optional.empty();
    }
    int frames = request.frames().orElse(ImageToVideoRequest.FRAMES_5_SECONDS);
    int seconds = frames == ImageToVideoRequest.FRAMES_10_SECONDS ? 10 : 5;
    return Optional.of(basePriceUsd.multiply(BigDecimal.valueOf(seconds)));
  }
}
