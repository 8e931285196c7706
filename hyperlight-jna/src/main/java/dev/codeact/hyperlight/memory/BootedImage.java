package dev.codeact.hyperlight.memory;

/**
 * The state of a guest right after its boot, captured from the first VM of an image and layout, from which the
 * next VMs start instead of booting the guest again: their memory is a copy of these slots (the read-only low
 * region is shared as it is), their golden snapshot is these slots themselves, mapped and shared. A guest whose boot
 * does much (parsing the program-facing JavaScript, loading Intl data) then costs that once per process, not per VM.
 *
 * @param data the data slot (image data, mailbox, heap as booted)
 * @param stack the stack slot
 * @param heapHighWaterBytes what the booted runtime holds of the heap
 * @param tscPerMs the guest's TSC rate as measured at that boot, for KVMs that do not say
 */
public record BootedImage(SlotSnapshot.Image data, SlotSnapshot.Image stack, long heapHighWaterBytes, long tscPerMs)
        implements AutoCloseable {
    @Override
    public void close() {
        data.close();
        stack.close();
    }
}
