package dev.dreamina.examples.kotlin

import dev.dreamina.DreaminaClient
import dev.dreamina.ImageToVideoRequest
import dev.dreamina.RequestResult
import dev.dreamina.sandbox.RunComfySandbox
import java.net.URI
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking

/** One video: a suspending call on the async view; no thread waits for the job. */
suspend fun DreaminaClient.video(prompt: String, imageUrl: String, target: Path): Path {
    val request = ImageToVideoRequest.builder()
        .prompt(prompt)
        .imageUrl(imageUrl)
        .frames(ImageToVideoRequest.FRAMES_5_SECONDS)
        .build()
    val done: RequestResult = async().generate(request).await()   // non-null, as the SDK declares
    val url: URI = done.videoUrl().orElseThrow()
    return async().download(url, target, null).await()            // no progress callback: the SDK takes null there
}

/** Generates three videos at once against the sandbox into the folder given, and lists them. */
fun main(args: Array<String>) = runBlocking {
    val folder = Files.createDirectories(Path.of(args.firstOrNull() ?: "kotlin-videos"))
    RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofMillis(100)).start().use { sandbox ->
        DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build().use { client ->
            val videos = coroutineScope {
                listOf("a fox in snow", "a lighthouse at dusk", "rain on a window").mapIndexed { i, prompt ->
                    async { client.video(prompt, "https://example.com/$i.jpg", folder.resolve("$i.mp4")) }
                }.awaitAll()
            }
            videos.forEach { println("Kotlin: $it (${Files.size(it)} bytes)") }
            check(videos.all { Files.size(it) > 10_000 }) { "a video is too small" }
        }
    }
}
