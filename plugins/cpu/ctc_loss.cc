// CTCLoss's kernel (ops/nn/ctc_loss.cc holds its meaning): for each sample,
// in parallel, the forward-backward recursions of Graves et al. in log
// space over the label with blanks around and between its tokens,
// z = (blank, l1, blank, l2, ..., lL, blank), S = 2L + 1 states:
//   alpha[t][s]  log P(frames 0..t emit z[0..s], ending in state s)
//   beta[t][s]   log P(frames t+1.. emit the rest | state s at frame t)
// loss = -log P(label) = -logsumexp(alpha[T-1][S-1], alpha[T-1][S-2]); the
// gradient with respect to the activations of frame t is
//   softmax(x_t)[c] - sum_{s: z[s] = c} exp(alpha[t][s] + beta[t][s] + loss).
// Outputs: the loss (N,) and that gradient (T, N, C), zero past each
// sample's frames.  Labels and lengths are checked: a bad one fails the call.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "index_util.h"
#include "workspace_kernel.h"

namespace mx_cpu {

namespace {

// The integers of a call: every sample's frames and label.
struct CTCProblem {
  int64_t max_frames = 0, batch = 0, alphabet = 0, capacity = 0;  // T, N, C, L
  int64_t blank = 0;
  std::vector<int64_t> labels;  // (N, L)
  std::vector<int64_t> frames, label_lengths;  // (N,)
};

std::string Describe(const char* what, int64_t sample, int64_t value) {
  return std::string("CTCLoss: ") + what + "[" + std::to_string(sample) + "] = " + std::to_string(value);
}

// Reads and checks the labels and lengths; an error message, or empty.
std::string ReadProblem(const MXKernelCall* call, CTCProblem* p) {
  const DLTensor& data = call->inputs[0];
  p->max_frames = data.shape[0];
  p->batch = data.shape[1];
  p->alphabet = data.shape[2];
  p->capacity = call->inputs[1].shape[1];
  const bool blank_first = std::strcmp(mx_attr_find(call->attrs, call->num_attrs, "blank_label")->s, "first") == 0;
  p->blank = blank_first ? 0 : p->alphabet - 1;
  if (!LoadIndices(call->inputs[1], &p->labels)) return "CTCLoss: unsupported label dtype";
  int next = 2;
  p->frames.assign(static_cast<size_t>(p->batch), p->max_frames);
  if (mx_attr_find(call->attrs, call->num_attrs, "use_data_lengths")->i) {
    if (!LoadIndices(call->inputs[next++], &p->frames)) return "CTCLoss: unsupported data_lengths dtype";
    for (int64_t b = 0; b < p->batch; ++b)
      if (p->frames[b] < 0 || p->frames[b] > p->max_frames)
        return Describe("data_lengths", b, p->frames[b]) + " is outside [0, " + std::to_string(p->max_frames) +
               "] (data's sequence_length)";
  }
  if (mx_attr_find(call->attrs, call->num_attrs, "use_label_lengths")->i) {
    if (!LoadIndices(call->inputs[next], &p->label_lengths)) return "CTCLoss: unsupported label_lengths dtype";
    for (int64_t b = 0; b < p->batch; ++b)
      if (p->label_lengths[b] < 0 || p->label_lengths[b] > p->capacity)
        return Describe("label_lengths", b, p->label_lengths[b]) + " is outside [0, " +
               std::to_string(p->capacity) + "] (label's label_sequence_length)";
  } else {  // each label ends at its first padding value
    const int64_t padding = blank_first ? 0 : -1;
    p->label_lengths.resize(static_cast<size_t>(p->batch));
    for (int64_t b = 0; b < p->batch; ++b) {
      const int64_t* row = p->labels.data() + b * p->capacity;
      p->label_lengths[b] = std::find(row, row + p->capacity, padding) - row;
    }
  }
  for (int64_t b = 0; b < p->batch; ++b)
    for (int64_t i = 0; i < p->label_lengths[b]; ++i) {
      const int64_t token = p->labels[b * p->capacity + i];
      if (token < 0 || token >= p->alphabet || token == p->blank)
        return "CTCLoss: label[" + std::to_string(b) + ", " + std::to_string(i) + "] = " + std::to_string(token) +
               " is not a token: tokens are " + (blank_first ? "1" : "0") + ".." +
               std::to_string(p->alphabet - (blank_first ? 1 : 2)) + " (" + std::to_string(p->blank) +
               " is the blank)";
    }
  return {};
}

template <typename R>
R LogAdd(R a, R b) {
  if (a < b) std::swap(a, b);
  return b == -std::numeric_limits<R>::infinity() ? a : a + std::log1p(std::exp(b - a));
}

// One sample's loss and, when grad is not null, its gradient rows.
template <typename T>
class CTCSample {
 public:
  CTCSample(const CTCProblem& p, int64_t b, const T* data)
      : p_(p), b_(b), data_(data), frames_(p.frames[b]), length_(p.label_lengths[b]), states_(2 * length_ + 1),
        label_(p.labels.data() + b * p.capacity) {}

  // Writes the loss; grad (T, N, C) gets this sample's rows.
  void Run(T* loss, T* grad) {
    if (grad)
      for (int64_t t = 0; t < p_.max_frames; ++t) std::fill(Row(grad, t), Row(grad, t) + p_.alphabet, T(0));
    int64_t repeats = 0;
    for (int64_t i = 1; i < length_; ++i) repeats += label_[i] == label_[i - 1];
    if (length_ + repeats > frames_ || frames_ == 0) {  // no alignment (or nothing to align): MXNet's 0
      if (loss) loss[b_] = T(0);
      return;
    }
    LogNormalisers();
    Forward();
    const T log_likelihood = LogAdd(At(frames_ - 1, states_ - 1), states_ > 1 ? At(frames_ - 1, states_ - 2) : kNegInf);
    if (loss) loss[b_] = -log_likelihood;
    if (grad) Backward(log_likelihood, grad);
  }

 private:
  static constexpr T kNegInf = -std::numeric_limits<T>::infinity();

  const T* Row(const T* base, int64_t t) const { return base + (t * p_.batch + b_) * p_.alphabet; }
  T* Row(T* base, int64_t t) const { return base + (t * p_.batch + b_) * p_.alphabet; }
  int64_t State(int64_t s) const { return s % 2 ? label_[s / 2] : p_.blank; }
  // State s may be entered from s - 2: it is a token other than the one before.
  bool Skips(int64_t s) const { return s % 2 && s >= 3 && label_[s / 2] != label_[s / 2 - 1]; }
  T LogProb(int64_t t, int64_t c) const { return Row(data_, t)[c] - log_norm_[t]; }
  T& At(int64_t t, int64_t s) { return alpha_[t * states_ + s]; }

  // log sum_c exp(x[t][c]) per frame: the log-softmax's normaliser.
  void LogNormalisers() {
    log_norm_.resize(static_cast<size_t>(frames_));
    for (int64_t t = 0; t < frames_; ++t) {
      const T* x = Row(data_, t);
      const T top = *std::max_element(x, x + p_.alphabet);
      T sum = 0;
      for (int64_t c = 0; c < p_.alphabet; ++c) sum += std::exp(x[c] - top);
      log_norm_[t] = top + std::log(sum);
    }
  }

  void Forward() {
    alpha_.assign(static_cast<size_t>(frames_ * states_), kNegInf);
    At(0, 0) = LogProb(0, p_.blank);
    if (states_ > 1) At(0, 1) = LogProb(0, State(1));
    for (int64_t t = 1; t < frames_; ++t)
      for (int64_t s = 0; s < states_; ++s) {
        T a = At(t - 1, s);
        if (s >= 1) a = LogAdd(a, At(t - 1, s - 1));
        if (Skips(s)) a = LogAdd(a, At(t - 1, s - 2));
        At(t, s) = a + LogProb(t, State(s));
      }
  }

  // Sweeps beta from the last frame down, writing each frame's gradient.
  void Backward(T log_likelihood, T* grad) {
    std::vector<T> beta(static_cast<size_t>(states_), kNegInf), earlier(static_cast<size_t>(states_));
    beta[states_ - 1] = 0;
    if (states_ > 1) beta[states_ - 2] = 0;
    for (int64_t t = frames_ - 1; t >= 0; --t) {
      T* g = Row(grad, t);
      for (int64_t c = 0; c < p_.alphabet; ++c) g[c] = std::exp(LogProb(t, c));
      for (int64_t s = 0; s < states_; ++s) g[State(s)] -= std::exp(At(t, s) + beta[s] - log_likelihood);
      if (t == 0) break;
      for (int64_t s = 0; s < states_; ++s) {  // beta at frame t - 1: frame t emits the next state
        T e = beta[s] + LogProb(t, State(s));
        if (s + 1 < states_) e = LogAdd(e, beta[s + 1] + LogProb(t, State(s + 1)));
        if (s + 2 < states_ && Skips(s + 2)) e = LogAdd(e, beta[s + 2] + LogProb(t, State(s + 2)));
        earlier[s] = e;
      }
      beta.swap(earlier);
    }
  }

  const CTCProblem& p_;
  const int64_t b_;
  const T* data_;
  const int64_t frames_, length_, states_;
  const int64_t* label_;
  std::vector<T> log_norm_, alpha_;
};

template <typename T>
void CTCLoss(const MXKernelCall* call, const CTCProblem& p) {
  const T* data = Data<T>(call->inputs[0]);
  T* loss = Wanted(call, 0, Data<T>(call->outputs[0]));
  T* grad = Wanted(call, 1, Data<T>(call->outputs[1]));
  const int64_t work = std::max<int64_t>(1, p.max_frames * (p.alphabet + 4 * (2 * p.capacity + 1)));
  ParallelFor(p.batch, std::max<int64_t>(1, (1 << 16) / work), [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) CTCSample<T>(p, b, data).Run(loss, grad);
  });
}

int CTCLossForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_ADD || call->req[1] == MX_REQ_ADD) return Fail("CTCLoss does not support req=add");
  CTCProblem p;
  const std::string error = ReadProblem(call, &p);
  if (!error.empty()) return Fail(error.c_str());
  switch (MXDType(call->inputs[0].dtype)) {
    case kF32: CTCLoss<float>(call, p); return 0;
    case kF64: CTCLoss<double>(call, p); return 0;
    default: return Fail("CTCLoss: data must be float32 or float64");
  }
}

}  // namespace

MX_CPU_KERNELS(ctc_loss) { return RegisterKernel("CTCLoss", CTCLossForward, nullptr, {kF32, kF64}); }

}  // namespace mx_cpu
