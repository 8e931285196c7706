package dev.codeact.spring.policy.fs;

/** {@link FileSessionTest} with paths resolved by the openat walk, as on kernels without openat2. */
class FileSessionWalkTest extends FileSessionTest {
    @Override
    Beneath beneath() {
        return Beneath.WALK;
    }
}
