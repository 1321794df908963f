#pragma once

// A SQLite VFS shim for tests that injects storage failures. It registers a VFS named
// "faulty" that wraps the default VFS found at first use: every file it opens delegates
// each I/O method (including the WAL shared-memory and mmap methods) to the real file,
// except that xSync and/or xWrite fail with SQLITE_IOERR_FSYNC / SQLITE_IOERR_WRITE while
// `fail_sync` / `fail_write` are set.
//
// db::Connection::open takes no VFS name, so tests make "faulty" the process default
// while they open their connections (ScopedDefault below) and restore the real default
// afterwards. Files opened meanwhile keep the faulty methods for their whole life; files
// opened later use the real VFS again. The default VFS is process-global: use this only
// from tests that open connections on one thread (GoogleTest runs tests sequentially).

#include <sqlite3.h>

#include <atomic>
#include <cstddef>

namespace smartdairy::db::faulty_vfs {

// While true, every xSync / xWrite on a faulty file fails with an I/O error.
inline std::atomic<bool> fail_sync{false};
inline std::atomic<bool> fail_write{false};
// How many failures were injected so far (all files).
inline std::atomic<int> injected{0};

inline constexpr const char* kName = "faulty";

namespace detail {

struct File {
  sqlite3_file base;   // must come first: SQLite sees this
  sqlite3_file* real;  // the wrapped file, stored right after this header
};

inline sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

inline sqlite3_vfs*& base_vfs() {
  static sqlite3_vfs* base = nullptr;
  return base;
}

// The io methods: plain delegation, with the two injection points.
inline int x_close(sqlite3_file* f) {
  sqlite3_file* r = real(f);
  int rc = r->pMethods != nullptr ? r->pMethods->xClose(r) : SQLITE_OK;
  r->pMethods = nullptr;
  return rc;
}
inline int x_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, amt, off);
}
inline int x_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
  if (fail_write.load()) {
    injected.fetch_add(1);
    return SQLITE_IOERR_WRITE;
  }
  return real(f)->pMethods->xWrite(real(f), buf, amt, off);
}
inline int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}
inline int x_sync(sqlite3_file* f, int flags) {
  if (fail_sync.load()) {
    injected.fetch_add(1);
    return SQLITE_IOERR_FSYNC;
  }
  return real(f)->pMethods->xSync(real(f), flags);
}
inline int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
inline int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
inline int x_unlock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xUnlock(real(f), level);
}
inline int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
inline int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
inline int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
inline int x_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
// Version 2: shared memory for the WAL index.
inline int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
inline int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
inline void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
inline int x_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}
// Version 3: memory-mapped I/O.
inline int x_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** out) {
  return real(f)->pMethods->xFetch(real(f), off, amt, out);
}
inline int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

// One table per io-methods version, so that SQLite never calls a method the real file
// lacks (it checks iVersion before using the shm and mmap methods).
inline const sqlite3_io_methods* io_methods(int version) {
  static const sqlite3_io_methods kMethods[3] = {
      {1, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock,
       x_check_reserved_lock, x_file_control, x_sector_size, x_device_characteristics, nullptr,
       nullptr, nullptr, nullptr, nullptr, nullptr},
      {2, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock,
       x_check_reserved_lock, x_file_control, x_sector_size, x_device_characteristics, x_shm_map,
       x_shm_lock, x_shm_barrier, x_shm_unmap, nullptr, nullptr},
      {3, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock,
       x_check_reserved_lock, x_file_control, x_sector_size, x_device_characteristics, x_shm_map,
       x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch, x_unfetch},
  };
  if (version < 1) version = 1;
  if (version > 3) version = 3;
  return &kMethods[version - 1];
}

inline int x_open(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* f, int flags,
                  int* out_flags) {
  auto* wrapper = reinterpret_cast<File*>(f);
  wrapper->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(File));
  wrapper->real->pMethods = nullptr;
  sqlite3_vfs* base = base_vfs();
  int rc = base->xOpen(base, name, wrapper->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open.
  f->pMethods =
      wrapper->real->pMethods != nullptr ? io_methods(wrapper->real->pMethods->iVersion) : nullptr;
  return rc;
}

// The VFS methods other than xOpen go straight to the real VFS.
inline int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return base_vfs()->xDelete(base_vfs(), name, sync_dir);
}
inline int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return base_vfs()->xAccess(base_vfs(), name, flags, out);
}
inline int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return base_vfs()->xFullPathname(base_vfs(), name, n, out);
}
inline void* x_dl_open(sqlite3_vfs*, const char* name) {
  return base_vfs()->xDlOpen(base_vfs(), name);
}
inline void x_dl_error(sqlite3_vfs*, int n, char* out) { base_vfs()->xDlError(base_vfs(), n, out); }
using DlSym = void (*)();
inline DlSym x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol) {
  return base_vfs()->xDlSym(base_vfs(), handle, symbol);
}
inline void x_dl_close(sqlite3_vfs*, void* handle) { base_vfs()->xDlClose(base_vfs(), handle); }
inline int x_randomness(sqlite3_vfs*, int n, char* out) {
  return base_vfs()->xRandomness(base_vfs(), n, out);
}
inline int x_sleep(sqlite3_vfs*, int micros) { return base_vfs()->xSleep(base_vfs(), micros); }
inline int x_current_time(sqlite3_vfs*, double* out) {
  return base_vfs()->xCurrentTime(base_vfs(), out);
}
inline int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return base_vfs()->xGetLastError(base_vfs(), n, out);
}
inline int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return base_vfs()->xCurrentTimeInt64(base_vfs(), out);
}

}  // namespace detail

// Registers "faulty" (not as the default) on first use and returns it.
inline sqlite3_vfs* vfs() {
  static sqlite3_vfs* registered = [] {
    static sqlite3_vfs v{};
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    detail::base_vfs() = base;
    v.iVersion = 2;  // v3 only adds system-call overrides, which tests do not need
    v.szOsFile = static_cast<int>(sizeof(detail::File)) + base->szOsFile;
    v.mxPathname = base->mxPathname;
    v.zName = kName;
    v.xOpen = detail::x_open;
    v.xDelete = detail::x_delete;
    v.xAccess = detail::x_access;
    v.xFullPathname = detail::x_full_pathname;
    v.xDlOpen = detail::x_dl_open;
    v.xDlError = detail::x_dl_error;
    v.xDlSym = detail::x_dl_sym;
    v.xDlClose = detail::x_dl_close;
    v.xRandomness = detail::x_randomness;
    v.xSleep = detail::x_sleep;
    v.xCurrentTime = detail::x_current_time;
    v.xGetLastError = detail::x_get_last_error;
    v.xCurrentTimeInt64 = detail::x_current_time_int64;
    sqlite3_vfs_register(&v, 0);
    return &v;
  }();
  return registered;
}

// Clears both failure flags.
inline void reset() {
  fail_sync.store(false);
  fail_write.store(false);
}

// Makes "faulty" the default VFS for its lifetime, then restores the previous default.
// Connections opened meanwhile (with a null VFS name) go through the shim.
class ScopedDefault {
 public:
  ScopedDefault() : previous_(sqlite3_vfs_find(nullptr)) { sqlite3_vfs_register(vfs(), 1); }
  ~ScopedDefault() { sqlite3_vfs_register(previous_, 1); }
  ScopedDefault(const ScopedDefault&) = delete;
  ScopedDefault& operator=(const ScopedDefault&) = delete;

 private:
  sqlite3_vfs* previous_;
};

}  // namespace smartdairy::db::faulty_vfs
