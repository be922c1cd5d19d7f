package org.linkway.platform.kafka;

import io.apicurio.registry.resolver.client.RegistryArtifactReference;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.client.RegistryVersionCoordinates;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A service's registry client, answering from memory the questions whose answers cannot change: a schema and its
 * references by content id, global id or content hash, or by group, artifact and a version that is not a branch
 * ({@code branch=latest}); and the version that registering a schema finds or creates, for the same content and
 * references.
 *
 * <p>Every serde keeps its own cache, and the platform's schemas register their shared types (metadata, measures,
 * codes) as artifacts of their own, referenced. So each serde's first record walked the type tree one call at a
 * time: a serializer registered each nested type, a deserializer fetched each reference's content and references,
 * for every place a type is used (Apicurio resolves a nested reference's references twice). Those calls are made on
 * the stream thread as a service first writes and reads each store and topic, while a request waits for its
 * decision: in a test JVM running six service instances the first referral took 2,670 registry calls and more than
 * 10 s, and was told 503. Here the first serde to ask a question asks the registry, and every serde after it, of any
 * store or topic, is answered from memory (threads asking the same question at the same moment may each ask it).
 *
 * <p>Everything else is asked of the registry every time: a latest version, a version's coordinates, a search by
 * content. An answer that failed is not kept. What is kept is a few entries for each schema and reference the
 * service uses, for as long as it runs: a version deleted from the registry meanwhile is still answered.
 */
final class RegistryAnswers implements RegistryClientFacade {

  /** Apicurio's default for {@code apicurio.registry.auto-register.if-exists}, the platform's. */
  private static final String FIND_OR_CREATE_VERSION = "FIND_OR_CREATE_VERSION";

  private final RegistryClientFacade registry;
  private final Map<List<Object>, Object> answers = new ConcurrentHashMap<>();

  RegistryAnswers(RegistryClientFacade registry) {
    this.registry = registry;
  }

  /** The answer to {@code question}, asked of the registry the first time only; {@code question} names it whole. */
  @SuppressWarnings("unchecked")
  private <V> V once(Supplier<V> ask, Object... question) {
    List<Object> key = Arrays.asList(question);
    V known = (V) answers.get(key);
    if (known != null) return known;
    V answer = ask.get();
    if (answer != null) answers.putIfAbsent(key, answer);
    return answer;
  }

  /** A version (a number, on the v3 API) names one version for good; none, or a branch ({@code branch=latest}), what is latest. */
  private static boolean fixed(String version) {
    return version != null && !version.startsWith("branch=");
  }

  @Override
  public String getSchemaByContentId(Long contentId) {
    return once(() -> registry.getSchemaByContentId(contentId), "schemaByContentId", contentId);
  }

  @Override
  public String getSchemaByGlobalId(long globalId, boolean dereferenced) {
    return once(() -> registry.getSchemaByGlobalId(globalId, dereferenced), "schemaByGlobalId", globalId, dereferenced);
  }

  @Override
  public String getSchemaByGAV(String groupId, String artifactId, String version) {
    if (!fixed(version)) return registry.getSchemaByGAV(groupId, artifactId, version);
    return once(() -> registry.getSchemaByGAV(groupId, artifactId, version), "schemaByGAV", groupId, artifactId, version);
  }

  @Override
  public String getSchemaByContentHash(String contentHash) {
    return once(() -> registry.getSchemaByContentHash(contentHash), "schemaByContentHash", contentHash);
  }

  @Override
  public List<RegistryArtifactReference> getReferencesByContentId(long contentId) {
    return once(() -> List.copyOf(registry.getReferencesByContentId(contentId)), "referencesByContentId", contentId);
  }

  @Override
  public List<RegistryArtifactReference> getReferencesByGlobalId(long globalId) {
    return once(() -> List.copyOf(registry.getReferencesByGlobalId(globalId)), "referencesByGlobalId", globalId);
  }

  @Override
  public List<RegistryArtifactReference> getReferencesByGAV(String groupId, String artifactId, String version) {
    if (!fixed(version)) return registry.getReferencesByGAV(groupId, artifactId, version);
    return once(() -> List.copyOf(registry.getReferencesByGAV(groupId, artifactId, version)),
        "referencesByGAV", groupId, artifactId, version);
  }

  @Override
  public List<RegistryArtifactReference> getReferencesByContentHash(String contentHash) {
    return once(() -> List.copyOf(registry.getReferencesByContentHash(contentHash)), "referencesByContentHash", contentHash);
  }

  @Override
  public List<RegistryVersionCoordinates> searchVersionsByContent(String schemaString, String artifactType,
      ArtifactReference reference, boolean canonical) {
    return registry.searchVersionsByContent(schemaString, artifactType, reference, canonical);
  }

  /**
   * Registering finds the version that has this content and these references, or creates it: the same question finds
   * the same version from then on. Any other behaviour (a new version every time, failing if the artifact exists) is
   * asked of the registry every time.
   */
  @Override
  public RegistryVersionCoordinates createSchema(String artifactType, String groupId, String artifactId, String version,
      String autoCreateBehavior, boolean canonical, String schemaString, Set<RegistryArtifactReference> references) {
    Supplier<RegistryVersionCoordinates> ask = () -> registry.createSchema(artifactType, groupId, artifactId, version,
        autoCreateBehavior, canonical, schemaString, references);
    if (!FIND_OR_CREATE_VERSION.equals(autoCreateBehavior)) return ask.get();
    return once(ask, "createSchema", artifactType, groupId, artifactId, version, canonical, schemaString,
        references == null ? Set.of() : Set.copyOf(references));
  }

  @Override
  public RegistryVersionCoordinates getVersionCoordinatesByGAV(String groupId, String artifactId, String version) {
    return registry.getVersionCoordinatesByGAV(groupId, artifactId, version);
  }

  @Override
  public Object getClient() {
    return registry.getClient();
  }
}
