package dev.dreamina;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A plain HTTP/1.1 server on a loopback {@link ServerSocket} that records every request it reads
 * and answers each from a script (500 when the script is empty). It uses no OkHttp class, so the
 * tests built on it run unchanged on OkHttp 4.12 and 5.x: what it counts is what left the client,
 * whatever the HTTP library did on its own.
 */
final class CountingServer implements AutoCloseable {
  /** A request as the server read it; header names in lower case. */
  record Received(String method, String path, Map<String, String> headers, String body) {}

  private final ServerSocket socket;
  private final BlockingQueue<String> script = new LinkedBlockingQueue<>();
  private final List<Received> received = new ArrayList<>();
  private final List<Socket> connections = new ArrayList<>();

  CountingServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "counting-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The base URL, ending in a slash. */
  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/";
  }

  /**
   * Scripts the next answer.
   *
   * @param headers name, value, name, value ...
   */
  CountingServer answer(int status, String body, String... headers) {
    StringBuilder answer = new StringBuilder("HTTP/1.1 ").append(status).append(" Scripted\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      answer.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    answer.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n\r\n").append(body);
    script.add(answer.toString());
    return this;
  }

  /** How many requests reached the server. */
  synchronized int count() {
    return received.size();
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        synchronized (this) {
          connections.add(connection);
        }
        Thread serving = new Thread(() -> serve(connection), "counting-server-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      while (true) {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
          return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
          int colon = header.indexOf(':');
          headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        String[] parts = requestLine.split(" ");
        synchronized (this) {
          received.add(new Received(parts[0], parts[1], headers, body));
        }
        String answer = script.poll();
        if (answer == null) {
          answer = "HTTP/1.1 500 Unscripted\r\nContent-Length: 2\r\n\r\n{}";
        }
        out.write(answer.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException | RuntimeException closed) {
      // the client went away
    }
  }

  /** A CRLF-terminated line, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      bytes.write(b);
    }
    return null;
  }

  @Override
  public synchronized void close() throws IOException {
    socket.close();
    for (Socket connection : connections) {
      connection.close();
    }
  }
}
