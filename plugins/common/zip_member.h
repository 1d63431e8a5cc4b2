/* zip_member.h: members of a zip archive streamed out with zip-bomb bounds (minizip), and the one data file a .zip holds. */
#ifndef TALLY_ZIP_MEMBER_H
#define TALLY_ZIP_MEMBER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define ZIPM_ERR 512

/* tally's one policy for compressed input (zip members, .zip data files, gzip files read by the
 * csv and readstat plugins; docs/limits.md): once past ZIPM_RATIO_FREE bytes, the inflated size may
 * be at most ZIPM_MAX_RATIO times the compressed one (XML and CSV compress about 10:1), and it is
 * never past ZIPM_MAX_SIZE, nor past `ceiling` where the reader holds it in memory. */
#define ZIPM_MAX_RATIO 250u
#define ZIPM_RATIO_FREE (1u << 20)
#define ZIPM_MAX_SIZE ((uint64_t)8 << 30)

/* 1 when `inflated` bytes out of `packed` compressed ones break the policy above (a bomb).
 * `ceiling`: the reader's own bound (0: none beyond ZIPM_MAX_SIZE). */
static inline int zipm_over_bounds(uint64_t inflated, uint64_t packed, uint64_t ceiling)
{
    if (inflated > ZIPM_MAX_SIZE || (ceiling && inflated > ceiling)) return 1;
    return inflated > ZIPM_RATIO_FREE && inflated / (packed ? packed : 1) > ZIPM_MAX_RATIO;
}

/* Which bound of the policy `inflated` broke, for an error message: "inflates to more than 250 times
 * its compressed size (a gzip bomb?)" or "... more than N MiB (...)"; `kind` names the format ("gzip"). */
void zipm_bounds_text(char *buf, size_t n, const char *kind, uint64_t inflated, uint64_t ceiling);

/* Half of this machine's memory: the ceiling of a compressed file inflated into memory. */
uint64_t zipm_memory_ceiling(void);

/* What the first bytes say: a zip archive's local header (PK\3\4), gzip's mark (1F 8B). */
static inline int zipm_bytes_are_zip(const void *p, size_t n) { return n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0; }
static inline int zipm_bytes_are_gzip(const void *p, size_t n)
{
    return n >= 2 && ((const unsigned char *)p)[0] == 0x1F && ((const unsigned char *)p)[1] == 0x8B;
}

/* 1 when the name ends with ".zip" (any case): only a file so named is opened as an archive. */
static inline int zipm_has_zip_name(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".zip") == 0;
}

/* What zipm_stream ended with. */
typedef enum {
    ZIPM_OK = 0,
    ZIPM_MISSING,  /* no such member */
    ZIPM_OPEN,     /* the member cannot be opened (damaged or encrypted) */
    ZIPM_DAMAGED,  /* inflating failed (damaged or truncated) */
    ZIPM_BOMB,     /* past the size or ratio bounds */
    ZIPM_CRC,      /* inflated whole but fails its checksum */
    ZIPM_SINK,     /* the sink stopped */
    ZIPM_NOMEM
} zipm_status;

/* Receives the inflated bytes in steps; `last` is 1 on the final call (n may be 0). 0 goes on. */
typedef int (*zipm_sink)(void *user, const char *buf, size_t n, int last);

/* Streams member `name` (case-insensitive) of the open minizip archive `uf` (an unzFile) into
 * `sink`; *zip_error gets minizip's code for ZIPM_DAMAGED. */
zipm_status zipm_stream(void *uf, const char *name, zipm_sink sink, void *user, int *zip_error);

/* A member that can be data: not a folder, not macOS's __MACOSX/ or ._ copies, not a hidden file. */
static inline int zipm_is_data_name(const char *name)
{
    size_t n = strlen(name);
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    return n && name[n - 1] != '/' && strncmp(name, "__MACOSX/", 9) != 0 && base[0] != '.' &&
           strcasecmp(base, "Thumbs.db") != 0;
}

/* 1 when the file at `path` starts with a zip archive's local header (PK\3\4), resp. gzip's mark. */
int zipm_is_zip(const char *path);
int zipm_is_gzip(const char *path);

/* The name of the one data file the .zip at `path` holds, into member; 0, or -1 with err set as below. */
int zipm_single_member(const char *path, char *member, size_t msize, char err[ZIPM_ERR]);

/* The one data file the .zip at `path` holds, inflated into a new buffer (*out, *len; the caller
 * frees), its name in member. 0, or -1 with err set: what the archive holds and what to do (several
 * data files or none), or why it cannot be read (truncated, damaged, a zip bomb). */
int zipm_inflate_single(const char *path, char **out, size_t *len, char *member, size_t msize, char err[ZIPM_ERR]);

/* The same into the file descriptor fd (a temporary copy for a reader that needs a file). */
int zipm_extract_single(const char *path, int fd, uint64_t *len, char *member, size_t msize, char err[ZIPM_ERR]);

#endif
