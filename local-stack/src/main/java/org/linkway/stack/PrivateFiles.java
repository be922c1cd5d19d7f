package org.linkway.stack;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files of the local stack that hold secrets (the broker's configuration with the super user's password,
 * the principals' passwords, the issuer's signing key): readable by the owner only, in directories only
 * the owner can open. A file is created with those permissions, never written first and narrowed after,
 * so there is no moment at which another user could read it.
 */
public final class PrivateFiles {

  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** The directory, and any missing parent, created 0700; an existing one is narrowed to 0700. */
  public static Path directory(Path dir) throws IOException {
    if (!POSIX) return Files.createDirectories(dir);
    if (!Files.isDirectory(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) directory(parent);
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    }
    Files.setPosixFilePermissions(dir, DIRECTORY);
    return dir;
  }

  /** Writes the file whole (replacing it atomically), created 0600 in a 0700 directory. */
  public static void write(Path file, String content) throws IOException {
    directory(file.toAbsolutePath().getParent());
    Path written = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(written);
    FileAttribute<?>[] attributes = POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
    Files.createFile(written, attributes);
    Files.writeString(written, content);
    Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
