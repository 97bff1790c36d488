// Callbacks that hand a frontend's objects back to it (custom op free_*,
// autograd.Function's free_state, engine deleters) run only until the
// frontend says it exits (MXNotifyFrontendExit).
//
// Rationale: a frontend calls MXNotifyFrontendExit at exit, before its runtime
// tears itself down, and objects it frees during that teardown may release
// others whose callbacks are already gone -- Python frees a cffi callback's
// code with its module, and a call into it crashed the interpreter's exit.
// What such callbacks would release is reclaimed with the process.
#ifndef MX_C_API_FRONTEND_RELEASE_H_
#define MX_C_API_FRONTEND_RELEASE_H_

namespace mx {

// False once the frontend said it exits.
bool FrontendTakesReleases();
void EndFrontendReleases();

// release(args...) if release is set and the frontend still takes it.
template <typename Fn, typename... Args>
void ReleaseToFrontend(Fn release, Args... args) {
  if (release && FrontendTakesReleases()) release(args...);
}

}  // namespace mx

#endif  // MX_C_API_FRONTEND_RELEASE_H_
