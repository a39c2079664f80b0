/** A typed client for RunComfy's Dreamina 3.0 Pro image-to-video API. */
module dev.dreamina {
  requires transitive okhttp3;
  requires com.fasterxml.jackson.databind;
  requires jakarta.validation;
  requires org.hibernate.validator;
  // Hibernate Validator 8 (the oldest supported) is an automatic module that names none of its
  // own dependencies, so on the module path nothing would resolve these two; 9 requires them itself.
  requires com.fasterxml.classmate;
  requires org.jboss.logging;
  // ImageIO reads image headers for ImagePreflight.
  requires java.desktop;
  // Quiets Hibernate Validator's start-up line on the JDK's default logging.
  requires java.logging;
  // JdbcSubmissionJournal: plain JDBC through the application's DataSource.
  requires java.sql;
  // Nullness annotations on the exported API (@NullMarked packages, @Nullable where a value may be
  // absent): read by Kotlin and static checkers at compile time, not needed to run.
  requires static transitive org.jspecify;

  exports dev.dreamina;
  exports dev.dreamina.batch;
  exports dev.dreamina.errors;
  exports dev.dreamina.images;
  exports dev.dreamina.journal;
  exports dev.dreamina.preflight;

  // Hibernate Validator reads the internal request fields and creates the custom validators
  // reflectively; the public packages stay closed to it.
  opens dev.dreamina.internal.validation to
      org.hibernate.validator;
}
