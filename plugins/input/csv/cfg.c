/* cfg.c: the tokenizer's settings finished once a read knows them: special bytes, missing-token facts, the kernel, the code table. */
#include "tokenize.h"

#include <pthread.h>
#include <string.h>

uint16_t csv_small_value[65536];
static pthread_once_t small_value_once = PTHREAD_ONCE_INIT;

static void small_value_fill(void)
{
    for (size_t i = 0; i < 65536; i++) csv_small_value[i] = 256;
    for (unsigned a = 0; a <= 9; a++) {
        csv_small_value['0' + a] = (uint16_t)a; /* one byte: fs[0] alone (the mask keeps the low, first byte) */
        for (unsigned c = 0; a && c <= 9; c++) {
            unsigned char b[2] = {(unsigned char)('0' + a), (unsigned char)('0' + c)};
            uint16_t key;
            memcpy(&key, b, 2);
            csv_small_value[key] = (uint16_t)(a * 10 + c);
        }
    }
}

void csv_cfg_finish(csv_cfg *cfg)
{
    pthread_once(&small_value_once, small_value_fill);
    memset(cfg->special, 0, sizeof cfg->special);
    cfg->special[(unsigned char)cfg->delim] = 1;
    cfg->special[(unsigned char)cfg->term] = 1;
    cfg->special['\r'] = 1;
    cfg->classify = csv_kernel_fn(csv_kernel_current());
    cfg->miss_lenmask = 0;
    cfg->miss_num = 0;
    for (size_t i = 0; i < cfg->nmiss; i++) {
        if (cfg->miss_len[i] < 64) cfg->miss_lenmask |= (uint64_t)1 << cfg->miss_len[i];
        if (csv_is_number(cfg->miss[i], cfg->miss_len[i], cfg->decimal)) cfg->miss_num = 1;
    }
}
