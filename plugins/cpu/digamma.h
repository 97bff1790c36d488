// The digamma function psi = (log Gamma)' in double (polygamma.cc), shared
// by _backward_gammaln and the pdf gradients of random_pdf.cc.
#ifndef MX_PLUGINS_CPU_DIGAMMA_H_
#define MX_PLUGINS_CPU_DIGAMMA_H_

namespace mx_cpu {

// NaN at the poles (non-positive integers) and for NaN; x for +-inf.
double Digamma(double x);

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_DIGAMMA_H_
