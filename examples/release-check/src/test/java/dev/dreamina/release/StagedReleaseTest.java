package dev.dreamina.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * RELEASING.md's staging command, run as a maintainer runs it: on a copy of the published set's
 * sources (no build output), with a key the test makes and hands over through the environment
 * only. Then the staged set is checked file by file, the way a public repository checks it: for
 * every artifact the pom's metadata, the jar, sources and javadoc, a signature for each file that
 * verifies with the key, and checksums that match. A problem names the artifact and the file.
 */
class StagedReleaseTest {
  private static final String GROUP_PATH = "io/github/dreamina-java";
  /** The published set: artifact id and packaging. */
  private static final Map<String, String> PUBLISHED =
      Map.of(
          "dreamina-java-parent", "pom",
          "dreamina-java", "jar",
          "dreamina-java-sandbox", "jar",
          "dreamina-java-s3", "jar",
          "dreamina-spring-boot-starter", "jar",
          "dreamina-java-bom", "pom");
  /** The module name each published jar has on the module path. */
  private static final Map<String, String> MODULE_NAMES =
      Map.of(
          "dreamina-java", "dev.dreamina",
          "dreamina-java-sandbox", "dev.dreamina.sandbox",
          "dreamina-java-s3", "dev.dreamina.s3",
          "dreamina-spring-boot-starter", "dev.dreamina.spring");

  /** What the nested build needs: the published set's sources, nothing built. */
  private static final List<String> SOURCES =
      List.of("pom.xml", "LICENSE", "src/main", "parent", "sandbox", "s3", "spring-boot-starter", "bom");

  @Test
  void theStagedReleaseIsCompleteSignedAndChecksummed(@TempDir Path work) throws Exception {
    Path root = Path.of(System.getProperty("release.check.root", "../..")).toRealPath();
    Path copy = work.resolve("checkout");
    for (String source : SOURCES) {
      copyTree(root.resolve(source), copy.resolve(source));
    }
    String passphrase = "throwaway-" + new BigInteger(64, new SecureRandom()).toString(36);
    PGPSecretKeyRing key = throwawayKey(passphrase);

    Path log = work.resolve("release-build.log");
    int exit = stage(copy, armored(key), passphrase, log);
    String output = Files.readString(log);
    assertEquals(0, exit, () -> "the staging build failed; its last lines:\n" + tail(output, 60));
    assertFalse(output.contains(passphrase), "the passphrase reached the build's output");

    Path staged = copy.resolve("parent/target/staging-deploy");
    List<String> problems = check(staged, key.getPublicKey());
    assertEquals(List.of(), problems, () -> "the staged set at " + staged + ":\n" + String.join("\n", problems));
  }

  /** RELEASING.md's command, with the key and its passphrase in the environment only. */
  private static int stage(Path checkout, String armoredKey, String passphrase, Path log) throws Exception {
    String mavenHome = System.getProperty("release.check.mavenHome");
    String mvn = mavenHome == null ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
    List<String> command = new ArrayList<>(List.of(mvn, "-B", "-f", "parent/pom.xml", "-Prelease", "-Dmaven.test.skip=true", "deploy"));
    String repository = System.getProperty("release.check.localRepository");
    if (repository != null && !repository.isBlank()) {
      command.add("-Dmaven.repo.local=" + repository);
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("MAVEN_GPG_KEY", armoredKey);
    builder.environment().put("MAVEN_GPG_PASSPHRASE", passphrase);
    Process process = builder.start();
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the staging build ran over 15 minutes");
    }
    return process.exitValue();
  }

  /** Every problem with the staged set; empty when a public repository would take it. */
  static List<String> check(Path staged, PGPPublicKey key) throws Exception {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> artifact : new TreeMap<>(PUBLISHED).entrySet()) {
      String id = artifact.getKey();
      Path dir = staged.resolve(GROUP_PATH).resolve(id);
      Optional<Path> versionDir = onlyVersion(dir);
      if (versionDir.isEmpty()) {
        problems.add(id + ": nothing staged under " + dir);
        continue;
      }
      Map<String, Path> files = filesByKind(versionDir.get(), id);
      List<String> kinds = artifact.getValue().equals("jar") ? List.of("pom", "jar", "sources.jar", "javadoc.jar") : List.of("pom");
      for (String kind : kinds) {
        Path file = files.get(kind);
        if (file == null) {
          problems.add(id + ": no " + kind + " in " + versionDir.get());
          continue;
        }
        checkSigned(id, file, key, problems);
      }
      if (files.containsKey("pom")) {
        checkPomMetadata(id, files.get("pom"), staged, problems);
        if (artifact.getValue().equals("jar")) {
          checkFlattened(id, files.get("pom"), problems);
        }
      }
      if (files.containsKey("jar")) {
        checkJarContents(id, files.get("jar"), problems);
      }
      if (files.containsKey("javadoc.jar") && !entries(files.get("javadoc.jar")).contains("index.html")) {
        problems.add(id + ": " + files.get("javadoc.jar").getFileName() + " has no index.html");
      }
    }
    return problems;
  }

  /**
   * The file, checksums that match it, and its .asc signature verifying with the key. Central takes
   * a signature without checksums of its own (GradleUp/nmcp, release notes of v1.6.1), so none are
   * asked of it.
   */
  private static void checkSigned(String id, Path file, PGPPublicKey key, List<String> problems) throws Exception {
    for (String algorithm : List.of("MD5", "SHA-1")) {
      Path sum = Path.of(file + (algorithm.equals("MD5") ? ".md5" : ".sha1"));
      if (!Files.exists(sum)) {
        problems.add(id + ": " + sum.getFileName() + " is missing");
      } else if (!Files.readString(sum).strip().startsWith(digest(algorithm, file))) {
        problems.add(id + ": " + sum.getFileName() + " does not match " + file.getFileName());
      }
    }
    Path signature = Path.of(file + ".asc");
    if (!Files.exists(signature)) {
      problems.add(id + ": " + signature.getFileName() + " is missing");
    } else if (!verifies(file, signature, key)) {
      problems.add(id + ": " + signature.getFileName() + " does not verify with the release key");
    }
  }

  /** What Maven Central requires of a pom, looked up through the staged parent as Maven would. */
  private static void checkPomMetadata(String id, Path pom, Path staged, List<String> problems) throws Exception {
    Element project = parse(pom);
    for (String own : List.of("name", "description")) {
      if (text(project, own).isEmpty()) {
        problems.add(id + ": " + pom.getFileName() + " has no <" + own + ">");
      }
    }
    for (String inherited : List.of("url", "licenses/license/name", "licenses/license/url", "developers/developer/name", "scm/url", "scm/connection")) {
      if (inheritedText(project, inherited, staged).isEmpty()) {
        problems.add(id + ": " + pom.getFileName() + " has no <" + inherited + ">, nor its staged parent");
      }
    }
    Optional<String> url = inheritedText(project, "url", staged);
    if (url.isPresent() && !url.get().equals("https://github.com/dreamina-java/dreamina-java")) {
      problems.add(id + ": its url is " + url.get() + " (a child's url must not get its artifact id appended)");
    }
  }

  /**
   * A jar's pom as a consumer needs it and no more: no parent to fetch, none of the build (plugins,
   * profiles), no test dependency, and every dependency with its version written out.
   */
  private static void checkFlattened(String id, Path pom, List<String> problems) throws Exception {
    Element project = parse(pom);
    for (String build : List.of("parent", "build", "profiles", "dependencyManagement", "properties")) {
      if (child(project, build) != null) {
        problems.add(id + ": " + pom.getFileName() + " is not flattened: it has <" + build + ">");
      }
    }
    Element dependencies = child(project, "dependencies");
    if (dependencies == null) {
      problems.add(id + ": " + pom.getFileName() + " lists no dependencies");
      return;
    }
    for (Node n = dependencies.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element dependency) {
        String name = text(dependency, "artifactId").orElse("?");
        if (text(dependency, "version").filter(v -> !v.contains("${")).isEmpty()) {
          problems.add(id + ": " + pom.getFileName() + " gives " + name + " no resolved version");
        }
        if (text(dependency, "scope").filter("test"::equals).isPresent()) {
          problems.add(id + ": " + pom.getFileName() + " carries the test dependency " + name);
        }
      }
    }
  }

  private static void checkJarContents(String id, Path jar, List<String> problems) throws IOException {
    if (!entries(jar).contains("META-INF/LICENSE")) {
      problems.add(id + ": " + jar.getFileName() + " carries no META-INF/LICENSE");
    }
    String moduleName;
    try (JarFile file = new JarFile(jar.toFile())) {
      moduleName = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
    }
    if (!MODULE_NAMES.get(id).equals(moduleName)) {
      problems.add(id + ": " + jar.getFileName() + " has Automatic-Module-Name " + moduleName + ", not " + MODULE_NAMES.get(id));
    }
  }

  // ---- the staged layout

  private static Optional<Path> onlyVersion(Path artifactDir) throws IOException {
    if (!Files.isDirectory(artifactDir)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(artifactDir)) {
      List<Path> versions = dirs.filter(Files::isDirectory).toList();
      return versions.size() == 1 ? Optional.of(versions.get(0)) : Optional.empty();
    }
  }

  /**
   * The primary files of one version folder by kind ("pom", "jar", "sources.jar", "javadoc.jar"),
   * whether named by a release version or by a snapshot's time stamp.
   */
  private static Map<String, Path> filesByKind(Path versionDir, String id) throws IOException {
    Map<String, Path> byKind = new TreeMap<>();
    try (Stream<Path> files = Files.list(versionDir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (!name.startsWith(id + "-") || name.endsWith(".asc") || name.endsWith(".md5") || name.endsWith(".sha1")
            || name.startsWith("maven-metadata")) {
          continue;
        }
        String kind =
            name.endsWith("-sources.jar") ? "sources.jar"
                : name.endsWith("-javadoc.jar") ? "javadoc.jar"
                : name.endsWith(".jar") ? "jar"
                : name.endsWith(".pom") ? "pom"
                : name;
        byKind.put(kind, file);
      }
    }
    return byKind;
  }

  // ---- pom reading

  private static Element parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document document = factory.newDocumentBuilder().parse(pom.toFile());
    return document.getDocumentElement();
  }

  private static Optional<String> text(Element element, String path) {
    Element at = element;
    for (String step : path.split("/")) {
      at = child(at, step);
      if (at == null) {
        return Optional.empty();
      }
    }
    String text = at.getTextContent().strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  private static Optional<String> inheritedText(Element project, String path, Path staged) throws Exception {
    Optional<String> own = text(project, path);
    if (own.isPresent()) {
      return own;
    }
    Element parent = child(project, "parent");
    if (parent == null) {
      return Optional.empty();
    }
    String parentId = text(parent, "artifactId").orElseThrow();
    Optional<Path> dir = onlyVersion(staged.resolve(GROUP_PATH).resolve(parentId));
    Path parentPom = dir.isEmpty() ? null : filesByKind(dir.get(), parentId).get("pom");
    return parentPom == null ? Optional.empty() : inheritedText(parse(parentPom), path, staged);
  }

  private static Element child(Element element, String name) {
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  // ---- files

  private static List<String> entries(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().map(e -> e.getName()).toList();
    }
  }

  private static String digest(String algorithm, Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path relative = from.relativize(path);
        if (relative.toString().split("[/\\\\]")[0].matches("target|boot4-tests")) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(path, target);
        }
      }
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  // ---- OpenPGP

  /** A 2048-bit RSA signing key protected by the passphrase, made for this run only. */
  static PGPSecretKeyRing throwawayKey(String passphrase) throws Exception {
    RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
    generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 80));
    BcPGPKeyPair pair = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, generator.generateKeyPair(), new Date());
    PGPDigestCalculator sha1 = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1);
    return new PGPKeyRingGenerator(
            PGPSignature.POSITIVE_CERTIFICATION,
            pair,
            "dreamina-java release check <release-check@example.invalid>",
            sha1,
            null,
            null,
            new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256),
            new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256, sha1).build(passphrase.toCharArray()))
        .generateSecretKeyRing();
  }

  static String armored(PGPSecretKeyRing key) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream armor = new ArmoredOutputStream(bytes)) {
      key.encode(armor);
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  static boolean verifies(Path file, Path signature, PGPPublicKey key) throws Exception {
    try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(signature))) {
      Object object = new BcPGPObjectFactory(in).nextObject();
      if (!(object instanceof PGPSignatureList list) || list.isEmpty()) {
        return false;
      }
      PGPSignature pgp = list.get(0);
      if (pgp.getKeyID() != key.getKeyID()) {
        return false;
      }
      pgp.init(new BcPGPContentVerifierBuilderProvider(), key);
      pgp.update(Files.readAllBytes(file));
      return pgp.verify();
    }
  }

  /**
   * What a user copies shows the version being released: every {@code io.github.dreamina-java}
   * coordinate in the README and the guide, and the parent's {@code scm} tag ({@code HEAD} on a
   * snapshot, the release's tag otherwise). RELEASING.md's version step changes them all; the
   * release workflow refuses a tag that would publish anything else.
   */
  @Test
  void theReadmeTheGuideAndTheScmTagShowTheVersionBeingReleased() throws Exception {
    Path root = Path.of(System.getProperty("release.check.root", "../..")).toRealPath();
    String version = System.getProperty("release.check.version", "0.1.0-SNAPSHOT");
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    Pattern[] shown = {
      Pattern.compile("<artifactId>dreamina-[a-z-]+</artifactId>\\s*<version>([^<]+)</version>"),
      Pattern.compile("io\\.github\\.dreamina-java:dreamina-[a-z-]+:([0-9][^\"'\\s)]*)")
    };
    List<String> wrong = new ArrayList<>();
    int seen = 0;
    for (Path page : pages) {
      String text = Files.readString(page);
      for (Pattern pattern : shown) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
          seen++;
          if (!m.group(1).equals(version)) {
            wrong.add(root.relativize(page) + ": " + m.group());
          }
        }
      }
    }
    assertTrue(seen >= 2, "the README's install block was not found");
    assertEquals(List.of(), wrong, "coordinates that do not show " + version);
    String tag = text(child(parse(root.resolve("parent/pom.xml")), "scm"), "tag").orElse("");
    assertEquals(version.endsWith("-SNAPSHOT") ? "HEAD" : "v" + version, tag, "the parent's <scm><tag>");
  }

  @Test
  void theCheckCanFailAndNamesTheArtifactAndTheFile(@TempDir Path staged) throws Exception {
    PGPSecretKeyRing key = throwawayKey("p");
    PGPSecretKeyRing other = throwawayKey("q");
    Path dir = Files.createDirectories(staged.resolve(GROUP_PATH).resolve("dreamina-java-bom/1.0"));
    Path pom = Files.writeString(dir.resolve("dreamina-java-bom-1.0.pom"), "<project><name>n</name></project>");
    Files.writeString(Path.of(pom + ".md5"), digest("MD5", pom));
    Files.writeString(Path.of(pom + ".sha1"), "0000");
    List<String> problems = check(staged, key.getPublicKey());
    assertTrue(problems.contains("dreamina-java: nothing staged under " + staged.resolve(GROUP_PATH).resolve("dreamina-java")), problems.toString());
    assertTrue(problems.contains("dreamina-java-bom: dreamina-java-bom-1.0.pom.sha1 does not match dreamina-java-bom-1.0.pom"), problems.toString());
    assertTrue(problems.contains("dreamina-java-bom: dreamina-java-bom-1.0.pom.asc is missing"), problems.toString());
    assertTrue(problems.contains("dreamina-java-bom: dreamina-java-bom-1.0.pom has no <description>"), problems.toString());
    assertTrue(problems.contains("dreamina-java-bom: dreamina-java-bom-1.0.pom has no <scm/url>, nor its staged parent"), problems.toString());
    assertFalse(problems.stream().anyMatch(p -> p.contains(".pom.md5")), "the right md5 passes: " + problems);

    Path starter = Files.createDirectories(staged.resolve(GROUP_PATH).resolve("dreamina-spring-boot-starter/1.0"));
    Files.writeString(
        starter.resolve("dreamina-spring-boot-starter-1.0.pom"),
        "<project><parent><artifactId>p</artifactId></parent><build/><dependencies><dependency><artifactId>junit</artifactId>"
            + "<scope>test</scope></dependency></dependencies></project>");
    try (java.util.zip.ZipOutputStream jar = new java.util.zip.ZipOutputStream(Files.newOutputStream(starter.resolve("dreamina-spring-boot-starter-1.0.jar")))) {
      jar.putNextEntry(new java.util.zip.ZipEntry("dev/dreamina/spring/A.class"));
    }
    List<String> starterProblems = check(staged, key.getPublicKey());
    for (String expected :
        List.of(
            "dreamina-spring-boot-starter: dreamina-spring-boot-starter-1.0.pom is not flattened: it has <parent>",
            "dreamina-spring-boot-starter: dreamina-spring-boot-starter-1.0.pom is not flattened: it has <build>",
            "dreamina-spring-boot-starter: dreamina-spring-boot-starter-1.0.pom gives junit no resolved version",
            "dreamina-spring-boot-starter: dreamina-spring-boot-starter-1.0.pom carries the test dependency junit",
            "dreamina-spring-boot-starter: dreamina-spring-boot-starter-1.0.jar carries no META-INF/LICENSE",
            "dreamina-spring-boot-starter: dreamina-spring-boot-starter-1.0.jar has Automatic-Module-Name null, not dev.dreamina.spring")) {
      assertTrue(starterProblems.contains(expected), expected + " in " + starterProblems);
    }
    assertFalse(verifies(pom, pom, key.getPublicKey()), "a file that is no signature");

    Path signature = Path.of(pom + ".asc");
    Files.write(signature, sign(key, "p", Files.readAllBytes(pom)));
    assertTrue(verifies(pom, signature, key.getPublicKey()), "signed with the key");
    Files.write(signature, sign(other, "q", Files.readAllBytes(pom)));
    assertFalse(verifies(pom, signature, key.getPublicKey()), "signed with another key");
    Files.write(signature, sign(key, "p", "another file".getBytes(StandardCharsets.UTF_8)));
    assertFalse(verifies(pom, signature, key.getPublicKey()), "the signature of another file");
  }

  private static byte[] sign(PGPSecretKeyRing key, String passphrase, byte[] content) throws Exception {
    PGPPrivateKey privateKey =
        key.getSecretKey().extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase.toCharArray()));
    PGPSignatureGenerator generator =
        new PGPSignatureGenerator(new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256), key.getPublicKey());
    generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
    generator.update(content);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream armor = new ArmoredOutputStream(bytes)) {
      generator.generate().encode(armor);
    }
    return bytes.toByteArray();
  }
}
