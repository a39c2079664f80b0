package dev.dreamina.examples.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small web service that makes videos: the starter's client, two endpoints, RFC 9457 errors. */
@SpringBootApplication
public class VideoServiceApplication {
  public static void main(String[] args) {
    SpringApplication.run(VideoServiceApplication.class, args);
  }
}
