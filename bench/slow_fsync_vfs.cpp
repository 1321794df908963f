// Slow-fsync shim for benchmarks, loaded into the server with LD_PRELOAD: at load it
// registers a SQLite VFS that wraps the default one (on Linux, "unix") as the new default.
// Every method is forwarded unchanged, except that xSync first sleeps FSYNC_DELAY_US
// microseconds (default 2000): a stand-in for a Raspberry Pi's SD card or USB stick, where
// one fsync costs milliseconds rather than the tens of microseconds of this VM's disk.
//
//   LD_PRELOAD=build/bench/libslow_fsync_vfs.so FSYNC_DELAY_US=2000 smartdairy serve ...
//
// WAL works: the shared-memory methods (xShmMap, xShmLock, ...) and memory-mapped I/O
// (xFetch, xUnfetch) are forwarded to the wrapped file's own io methods. It says once on
// stderr that it is active, and at exit how many syncs it delayed (if any). LD_PRELOAD is
// inherited: set it on the server process only.
#include <sqlite3.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace {

// Our sqlite3_file: a header, then the wrapped VFS's own file object (szOsFile bytes).
struct SlowFile {
  sqlite3_file base;   // base.pMethods points at one of g_methods
  sqlite3_file* real;  // the wrapped file, right after this header
};
constexpr int kHeader = static_cast<int>((sizeof(SlowFile) + 15) & ~std::size_t{15});

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};
sqlite3_io_methods g_methods[3]{};  // for wrapped files of io-methods version 1, 2 and 3
long g_delay_us = 2000;
std::atomic<unsigned long long> g_syncs{0};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<SlowFile*>(f)->real; }
const sqlite3_io_methods* io(sqlite3_file* f) { return real(f)->pMethods; }

void sleep_us(long us) {
  timespec ts{us / 1'000'000, (us % 1'000'000) * 1000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// --- io methods: forward to the wrapped file ---------------------------------------------

int x_close(sqlite3_file* f) { return io(f)->xClose(real(f)); }
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return io(f)->xRead(real(f), buf, n, off);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return io(f)->xWrite(real(f), buf, n, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) { return io(f)->xTruncate(real(f), size); }
int x_sync(sqlite3_file* f, int flags) {
  g_syncs.fetch_add(1, std::memory_order_relaxed);
  if (g_delay_us > 0) sleep_us(g_delay_us);
  return io(f)->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return io(f)->xFileSize(real(f), size); }
int x_lock(sqlite3_file* f, int level) { return io(f)->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return io(f)->xUnlock(real(f), level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return io(f)->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return io(f)->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return io(f)->xSectorSize(real(f)); }
int x_device_characteristics(sqlite3_file* f) { return io(f)->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** pp) {
  return io(f)->xShmMap(real(f), page, page_size, extend, pp);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return io(f)->xShmLock(real(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { io(f)->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) { return io(f)->xShmUnmap(real(f), delete_flag); }
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** pp) {
  return io(f)->xFetch(real(f), off, n, pp);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return io(f)->xUnfetch(real(f), off, p);
}

// --- VFS methods: forward to the wrapped VFS ---------------------------------------------

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* s = reinterpret_cast<SlowFile*>(f);
  s->base.pMethods = nullptr;
  s->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kHeader);
  s->real->pMethods = nullptr;
  int rc = g_real->xOpen(g_real, name, s->real, flags, out_flags);
  // SQLite calls xClose iff pMethods is set, even after a failed open: mirror the real one.
  if (s->real->pMethods != nullptr) {
    int v = s->real->pMethods->iVersion;
    s->base.pMethods = &g_methods[(v < 1 ? 1 : v > 3 ? 3 : v) - 1];
  }
  return rc;
}
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real->xDelete(g_real, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void x_dl_error(sqlite3_vfs*, int n, char* msg) { g_real->xDlError(g_real, n, msg); }
void (*x_dl_sym(sqlite3_vfs*, void* lib, const char* sym))(void) {
  return g_real->xDlSym(g_real, lib, sym);
}
void x_dl_close(sqlite3_vfs*, void* lib) { g_real->xDlClose(g_real, lib); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int x_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int x_current_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError(g_real, n, out);
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}
int x_set_system_call(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
  return g_real->xSetSystemCall(g_real, name, p);
}
sqlite3_syscall_ptr x_get_system_call(sqlite3_vfs*, const char* name) {
  return g_real->xGetSystemCall(g_real, name);
}
const char* x_next_system_call(sqlite3_vfs*, const char* name) {
  return g_real->xNextSystemCall(g_real, name);
}

void fill_methods() {
  for (int v = 1; v <= 3; ++v) {
    sqlite3_io_methods& m = g_methods[v - 1];
    m.iVersion = v;
    m.xClose = x_close;
    m.xRead = x_read;
    m.xWrite = x_write;
    m.xTruncate = x_truncate;
    m.xSync = x_sync;
    m.xFileSize = x_file_size;
    m.xLock = x_lock;
    m.xUnlock = x_unlock;
    m.xCheckReservedLock = x_check_reserved_lock;
    m.xFileControl = x_file_control;
    m.xSectorSize = x_sector_size;
    m.xDeviceCharacteristics = x_device_characteristics;
    if (v >= 2) {
      m.xShmMap = x_shm_map;
      m.xShmLock = x_shm_lock;
      m.xShmBarrier = x_shm_barrier;
      m.xShmUnmap = x_shm_unmap;
    }
    if (v >= 3) {
      m.xFetch = x_fetch;
      m.xUnfetch = x_unfetch;
    }
  }
}

[[gnu::constructor]] void register_slow_fsync_vfs() {
  g_real = sqlite3_vfs_find(nullptr);
  if (g_real == nullptr) {
    std::fprintf(stderr, "slow_fsync_vfs: no default SQLite VFS to wrap; not active\n");
    return;
  }
  if (const char* env = std::getenv("FSYNC_DELAY_US"); env != nullptr && *env != '\0') {
    g_delay_us = std::strtol(env, nullptr, 10);
  }
  fill_methods();
  g_vfs.iVersion = g_real->iVersion < 3 ? g_real->iVersion : 3;
  g_vfs.szOsFile = kHeader + g_real->szOsFile;
  g_vfs.mxPathname = g_real->mxPathname;
  g_vfs.zName = "slow_fsync";
  g_vfs.xOpen = x_open;
  g_vfs.xDelete = x_delete;
  g_vfs.xAccess = x_access;
  g_vfs.xFullPathname = x_full_pathname;
  g_vfs.xDlOpen = x_dl_open;
  g_vfs.xDlError = x_dl_error;
  g_vfs.xDlSym = x_dl_sym;
  g_vfs.xDlClose = x_dl_close;
  g_vfs.xRandomness = x_randomness;
  g_vfs.xSleep = x_sleep;
  g_vfs.xCurrentTime = x_current_time;
  g_vfs.xGetLastError = x_get_last_error;
  if (g_vfs.iVersion >= 2) g_vfs.xCurrentTimeInt64 = x_current_time_int64;
  if (g_vfs.iVersion >= 3) {
    g_vfs.xSetSystemCall = x_set_system_call;
    g_vfs.xGetSystemCall = x_get_system_call;
    g_vfs.xNextSystemCall = x_next_system_call;
  }
  int rc = sqlite3_vfs_register(&g_vfs, 1);
  if (rc != SQLITE_OK) {
    std::fprintf(stderr, "slow_fsync_vfs: sqlite3_vfs_register failed (%d); not active\n", rc);
    return;
  }
  std::fprintf(stderr,
               "slow_fsync_vfs: registered as the default SQLite VFS over '%s'; "
               "xSync sleeps %ld us first\n",
               g_real->zName, g_delay_us);
}

[[gnu::destructor]] void report_slow_fsync_vfs() {
  if (g_real == nullptr || g_syncs.load() == 0) return;
  std::fprintf(stderr, "slow_fsync_vfs: %llu syncs delayed by %ld us each\n", g_syncs.load(),
               g_delay_us);
}

}  // namespace
