/* zip_member.h: members of a zip archive streamed out with zip-bomb bounds (minizip), and the one data file a .zip holds. */
#ifndef TALLY_ZIP_MEMBER_H
#define TALLY_ZIP_MEMBER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define ZIPM_ERR 512

/* A member may inflate to at most ZIPM_MAX_RATIO times its compressed size once past
 * ZIPM_RATIO_FREE bytes (XML and CSV compress about 10:1), and never past ZIPM_MAX_SIZE. */
#define ZIPM_MAX_RATIO 250u
#define ZIPM_RATIO_FREE (1u << 20)
#define ZIPM_MAX_SIZE ((uint64_t)8 << 30)

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

/* 1 when the file at `path` starts with a zip archive's local header (PK\3\4). */
int zipm_is_zip(const char *path);

/* The name of the one data file the .zip at `path` holds, into member; 0, or -1 with err set as below. */
int zipm_single_member(const char *path, char *member, size_t msize, char err[ZIPM_ERR]);

/* The one data file the .zip at `path` holds, inflated into a new buffer (*out, *len; the caller
 * frees), its name in member. 0, or -1 with err set: what the archive holds and what to do (several
 * data files or none), or why it cannot be read (truncated, damaged, a zip bomb). */
int zipm_inflate_single(const char *path, char **out, size_t *len, char *member, size_t msize, char err[ZIPM_ERR]);

/* The same into the file descriptor fd (a temporary copy for a reader that needs a file). */
int zipm_extract_single(const char *path, int fd, uint64_t *len, char *member, size_t msize, char err[ZIPM_ERR]);

#endif
