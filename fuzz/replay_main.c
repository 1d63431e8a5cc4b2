/* replay_main.c: runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer (used by make test). */
#include "fuzz_common.h"

#include <errno.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    int n = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "replay: cannot open %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        size_t cap = 4096, len = 0;
        uint8_t *buf = malloc(cap);
        size_t got;
        while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
            len += got;
            if (len == cap) buf = realloc(buf, cap *= 2);
        }
        fclose(f);
        if (!buf) return 2;
        /* libFuzzer hands each input in a buffer of exactly its size; so does this. */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact) return 2;
        memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        n++;
    }
    printf("replayed %d input%s\n", n, n == 1 ? "" : "s");
    return 0;
}
